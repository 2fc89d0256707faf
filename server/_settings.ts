/**
 * The server's settings, read by name from Workers bindings or the Deno
 * environment, and what is missing from them, by name only: a value is
 * never shown.
 *
 * @example
 * ```ts
 * import { readSettings } from "./_settings.ts";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const settings = readSettings({ WHITEBIT_API_KEY: "key", WHITEBIT_API_SECRET: "" });
 * strictEqual(settings.values.WHITEBIT_API_KEY, "key");
 * ok(settings.missing.includes("WHITEBIT_API_SECRET")); // empty counts as unset
 * ```
 *
 * @module
 */

import { isRecord } from "../client/_validate.ts";

/** Every setting the default export reads. */
export const SETTING_NAMES = [
  "WHITEBIT_API_KEY",
  "WHITEBIT_API_SECRET",
  "WHITEBIT_BASE_URL",
  "LENDING_API_TOKENS",
  "LENDING_CORS_ORIGINS",
] as const;

/** One of {@linkcode SETTING_NAMES}. */
export type SettingName = typeof SETTING_NAMES[number];

/** The settings without which the server does not work. */
const REQUIRED_SETTINGS: readonly SettingName[] = [
  "WHITEBIT_API_KEY",
  "WHITEBIT_API_SECRET",
  "LENDING_API_TOKENS",
];

/**
 * What was read.
 *
 * @example
 * ```ts
 * import { readSettings, type Settings } from "./_settings.ts";
 *
 * const settings: Settings = readSettings({});
 * ```
 */
export interface Settings {
  /** Each setting's value, if it is set. */
  values: Partial<Record<SettingName, string>>;
  /** Required settings that are unset or empty (or, for the tokens, only commas and spaces). */
  missing: SettingName[];
  /** Settings this process may not read: Deno without `--allow-env` for them. */
  unreadable: SettingName[];
}

/**
 * Reads every setting: a string binding of that name in `env` first, else
 * the Deno environment, where a variable this process may not read is
 * listed as unreadable (asked without prompting).
 *
 * @example
 * ```ts
 * import { readSettings } from "./_settings.ts";
 * import { ok } from "node:assert/strict";
 *
 * const { missing, unreadable } = readSettings({ LENDING_API_TOKENS: " , " });
 * ok(missing.includes("LENDING_API_TOKENS")); // only commas and spaces
 * ok([...missing, ...unreadable].includes("WHITEBIT_API_KEY")); // unset, or no --allow-env
 * ```
 *
 * @param env Workers bindings, or anything else for none.
 * @returns The values, and the names missing or unreadable.
 */
export function readSettings(env: unknown): Settings {
  const settings: Settings = { values: {}, missing: [], unreadable: [] };
  for (const name of SETTING_NAMES) {
    const value = isRecord(env) && typeof env[name] === "string"
      ? env[name] as string
      : fromDeno(name, settings);
    if (value !== undefined) settings.values[name] = value;
  }
  for (const name of REQUIRED_SETTINGS) {
    const value = settings.values[name] ?? "";
    const empty = name === "LENDING_API_TOKENS" ? list(value).length === 0 : value === "";
    if (empty && !settings.unreadable.includes(name)) settings.missing.push(name);
  }
  return settings;
}

/**
 * The items of a comma-separated setting, trimmed, without empty ones.
 *
 * @example
 * ```ts
 * import { list } from "./_settings.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(list(" a ,\tb\n,, "), ["a", "b"]);
 * ```
 *
 * @param value The setting.
 * @returns Its items.
 */
export function list(value: string | undefined): string[] {
  return (value ?? "").split(",").map((item) => item.trim()).filter(Boolean);
}

/**
 * The settings that keep the server from working: required ones unset or
 * unreadable.
 *
 * @example
 * ```ts
 * import { blockers } from "./_settings.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(
 *   blockers({ values: {}, missing: ["LENDING_API_TOKENS"], unreadable: ["WHITEBIT_API_KEY", "WHITEBIT_BASE_URL"] }),
 *   ["LENDING_API_TOKENS", "WHITEBIT_API_KEY"],
 * );
 * ```
 *
 * @param settings What was read.
 * @returns Their names.
 */
export function blockers(settings: Settings): SettingName[] {
  return [
    ...settings.missing,
    ...settings.unreadable.filter((name) => REQUIRED_SETTINGS.includes(name)),
  ];
}

/**
 * One line saying what keeps the server from working, by setting name
 * (never a value), or `undefined` if nothing does.
 *
 * @example
 * ```ts
 * import { describeSettings } from "./_settings.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(
 *   describeSettings({ values: {}, missing: ["WHITEBIT_API_KEY"], unreadable: ["LENDING_API_TOKENS"] }, []),
 *   "@lending/whitebit/server is not configured: every route but /healthz answers 503. " +
 *     "Unset: WHITEBIT_API_KEY. Not readable (run with --allow-env=WHITEBIT_API_KEY,WHITEBIT_API_SECRET," +
 *     "WHITEBIT_BASE_URL,LENDING_API_TOKENS,LENDING_CORS_ORIGINS): LENDING_API_TOKENS.",
 * );
 * ```
 *
 * @param settings What was read.
 * @param invalid Settings whose value was refused.
 * @returns The line, or `undefined`.
 */
export function describeSettings(settings: Settings, invalid: string[]): string | undefined {
  const { missing, unreadable } = settings;
  const blocked = blockers(settings).length > 0 || invalid.length > 0;
  if (!blocked && unreadable.length === 0) return undefined;
  return [
    blocked
      ? "@lending/whitebit/server is not configured: every route but /healthz answers 503."
      : "@lending/whitebit/server is configured, but some optional settings could not be read; their defaults apply.",
    missing.length ? `Unset: ${missing.join(", ")}.` : "",
    invalid.length ? `Invalid: ${invalid.join(", ")}.` : "",
    unreadable.length
      ? `Not readable (run with --allow-env=${SETTING_NAMES.join(",")}): ${unreadable.join(", ")}.`
      : "",
  ].filter(Boolean).join(" ");
}

function fromDeno(name: SettingName, settings: Settings): string | undefined {
  if (typeof Deno === "undefined") return undefined;
  try {
    // Asked first, so that a terminal never prompts: the server does not stop for an answer.
    const state = Deno.permissions.querySync?.({ name: "env", variable: name }).state;
    if (state === undefined || state === "granted") return Deno.env.get(name);
  } catch {
    // not allowed after all
  }
  settings.unreadable.push(name);
  return undefined;
}
