/**
 * What the default export needs of Deno, and only of Deno: the shared
 * Deno KV database (on Deno Deploy, or named by `LENDING_DENO_KV`), and a
 * graceful stop on SIGTERM and SIGINT. Elsewhere (Workers) each answers
 * that there is nothing.
 *
 * @example
 * ```ts
 * import { denoKvStores } from "./_deno.ts";
 * import { ok } from "node:assert/strict";
 *
 * const opened = await denoKvStores(":memory:");
 * ok(opened !== undefined && "idempotency" in opened);
 * opened.close();
 * ```
 *
 * @module
 */

import type { IdempotencyStore } from "./idempotency.ts";
import type { NonceLaneStore } from "./nonce_lanes.ts";
import { DenoKvIdempotencyStore, DenoKvNonceLaneStore } from "./deno_kv_store.ts";

/** The shared stores on one Deno KV database. */
export interface DenoKvStores {
  idempotency: IdempotencyStore;
  lanes: NonceLaneStore;
  /** Closes the database. */
  close(): void;
}

/**
 * The stores on Deno KV, when it is to be used: the database named by
 * `setting` (a path, `:memory:`, or `default` for `Deno.openKv()`'s own),
 * or, without one, the project's database on Deno Deploy. `undefined` when
 * KV is not to be used (not Deno, or not Deploy and no setting).
 *
 * @param setting `LENDING_DENO_KV`.
 * @returns The stores, `undefined`, or why the setting cannot be used.
 */
export async function denoKvStores(
  setting: string | undefined,
): Promise<DenoKvStores | { error: string } | undefined> {
  const wanted = denoKvWanted(setting);
  if (wanted === undefined || "error" in wanted) return wanted;
  const { path } = wanted;
  let kv: Deno.Kv;
  try {
    kv = await Deno.openKv(path === "default" ? undefined : path);
  } catch (error) {
    return { error: `Deno KV could not be opened: ${(error as Error)?.message ?? error}` };
  }
  return {
    idempotency: new DenoKvIdempotencyStore(kv),
    lanes: new DenoKvNonceLaneStore(kv),
    close: () => kv.close(),
  };
}

/**
 * Whether Deno KV is to be used, and what is known at once to keep it from
 * opening: no `--unstable-kv`, no permission to read and write its file.
 *
 * @param setting `LENDING_DENO_KV`.
 * @returns The path to open (`undefined`: Deno's default), why it cannot be, or `undefined` for no KV.
 */
export function denoKvWanted(
  setting: string | undefined,
): { path: string | undefined } | { error: string } | undefined {
  if (typeof Deno === "undefined") return undefined;
  const named = setting?.trim() || undefined;
  if (named === undefined && !onDenoDeploy()) return undefined;
  if (typeof Deno.openKv !== "function") {
    return { error: "Deno KV is not available: run with --unstable-kv" };
  }
  const path = named === "default" ? undefined : named;
  if (path !== undefined && path !== ":memory:") {
    for (const name of ["read", "write"] as const) {
      try {
        if (Deno.permissions.querySync?.({ name, path }).state === "granted") continue;
      } catch {
        // asked below as refused
      }
      return {
        error: `no permission to ${name} it (run with --allow-read and --allow-write for it)`,
      };
    }
  }
  return { path };
}

/** Whether this runs on Deno Deploy (asked without prompting). */
function onDenoDeploy(): boolean {
  try {
    const variable = "DENO_DEPLOYMENT_ID";
    return Deno.permissions.querySync?.({ name: "env", variable }).state === "granted" &&
      Boolean(Deno.env.get(variable));
  } catch {
    return false;
  }
}

/**
 * On SIGTERM or SIGINT, runs `stop` (bounded to 5 s), then exits: a
 * `deno serve` process gives its nonce lane up before it goes. Nothing
 * where signals cannot be listened to.
 *
 * @param stop What to do first.
 */
export function stopOnSignals(stop: () => Promise<void>): void {
  if (typeof Deno === "undefined") return;
  let stopping = false;
  const exit = () => {
    if (stopping) return;
    stopping = true;
    const bound = new Promise((resolve) => setTimeout(resolve, 5_000));
    Promise.race([stop().catch(() => {}), bound]).finally(() => Deno.exit(0));
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    try {
      Deno.addSignalListener(signal, exit);
    } catch {
      // not supported here (Deno Deploy): leases then run out by themselves
    }
  }
}
