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
  "WHITEBIT_NONCE_LANE",
  "WHITEBIT_NONCE_LANE_LEASE_MS",
  "LENDING_API_TOKENS",
  "LENDING_CORS_ORIGINS",
  "LENDING_IDEMPOTENCY_LEASE_MS",
  "LENDING_DENO_KV",
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

/** What a valid setting of each kind looks like: said at start when one is refused. */
export const SETTING_RULES: Partial<Record<SettingName, string>> = {
  WHITEBIT_NONCE_LANE: "index/count such as 3/8, or auto/count; count 1 to 1000",
  WHITEBIT_NONCE_LANE_LEASE_MS: "a whole number of milliseconds from 10000 to 2147483647",
  LENDING_IDEMPOTENCY_LEASE_MS: "a whole number of milliseconds from 20000 to 86400000",
};

/**
 * A nonce lane setting: `index/count` (this instance's lane, for fleets
 * with fixed instance numbers) or `auto/count` (a lane leased from the
 * shared store); `undefined` when unset; `"invalid"` for anything else.
 *
 * @example
 * ```ts
 * import { parseNonceLane } from "./_settings.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(parseNonceLane("3/8"), { index: 3, count: 8 });
 * deepStrictEqual(parseNonceLane(" auto/8 "), { auto: true, count: 8 });
 * deepStrictEqual(parseNonceLane("8/8"), "invalid");
 * deepStrictEqual(parseNonceLane(undefined), undefined);
 * ```
 *
 * @param value The setting.
 * @returns The lane, or `"invalid"`.
 */
export function parseNonceLane(
  value: string | undefined,
): { index: number; count: number } | { auto: true; count: number } | "invalid" | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const match = /^(auto|0|[1-9]\d{0,3})\/([1-9]\d{0,3})$/.exec(value.trim());
  if (!match) return "invalid";
  const count = Number(match[2]);
  if (count > 1000) return "invalid";
  if (match[1] === "auto") return { auto: true, count };
  const index = Number(match[1]);
  return index < count ? { index, count } : "invalid";
}

/**
 * A duration setting in whole milliseconds from `min` to `max`;
 * `undefined` when unset; `"invalid"` for anything else.
 *
 * @example
 * ```ts
 * import { parseMs } from "./_settings.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(parseMs("60000", 20_000, 86_400_000), 60_000);
 * strictEqual(parseMs("1e5", 20_000, 86_400_000), "invalid");
 * ```
 *
 * @param value The setting.
 * @param min The least allowed.
 * @param max The most allowed.
 * @returns The milliseconds, or `"invalid"`.
 */
export function parseMs(
  value: string | undefined,
  min: number,
  max: number,
): number | "invalid" | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const ms = /^\d{1,10}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  return ms >= min && ms <= max ? ms : "invalid";
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
 *     "WHITEBIT_BASE_URL,WHITEBIT_NONCE_LANE,WHITEBIT_NONCE_LANE_LEASE_MS,LENDING_API_TOKENS," +
 *     "LENDING_CORS_ORIGINS,LENDING_IDEMPOTENCY_LEASE_MS,LENDING_DENO_KV): LENDING_API_TOKENS.",
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
    invalid.length ? `Invalid: ${invalid.map(withRule).join(", ")}.` : "",
    unreadable.length
      ? `Not readable (run with --allow-env=${SETTING_NAMES.join(",")}): ${unreadable.join(", ")}.`
      : "",
  ].filter(Boolean).join(" ");
}

/** A refused setting's name, with what a valid one looks like where that is known (never its value). */
function withRule(name: string): string {
  const rule = SETTING_RULES[name as SettingName];
  return rule ? `${name} (${rule})` : name;
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
