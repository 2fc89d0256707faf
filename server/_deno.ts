/**
 * What the default export needs of Deno, and only of Deno: the shared
 * Deno KV database (on Deno Deploy, or named by `LENDING_DENO_KV`), and a
 * graceful stop on SIGTERM and SIGINT (requests in flight answered, then
 * the nonce lane given up). Elsewhere (Workers) each answers that there is
 * nothing.
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
 * How long a stop may take in all: the client's 10 s timeout for a request
 * already sent, a time read for it, the store writes after it, and giving
 * the lane up; well within the usual 30 s grace before a SIGKILL.
 */
const STOP_WITHIN_MS = 25_000;
/** How long a server other than `deno serve` gets to write its last answers before it exits. */
const WRITE_LAST_MS = 1_000;

/**
 * On SIGTERM or SIGINT, runs `stop` (the app's `close()`: it answers new
 * requests 503, waits for those in flight, then gives the nonce lane up;
 * bounded to 25 s in all), then ends the process: `deno serve` exits by
 * itself once its last answers are written, any other server a second
 * after `stop`. Nothing where signals cannot be listened to.
 *
 * @param stop What to do first.
 */
export function stopOnSignals(stop: () => Promise<void>): void {
  if (typeof Deno === "undefined") return;
  let stopping = false;
  const exit = () => {
    if (stopping) return;
    stopping = true;
    let bound: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise((resolve) => bound = setTimeout(resolve, STOP_WITHIN_MS));
    Promise.race([stop().catch(() => {}), late]).finally(() => {
      clearTimeout(bound);
      const last = setTimeout(() => Deno.exit(0), WRITE_LAST_MS);
      // Unreferenced: it never keeps alive a process that is ending anyway.
      (last as { unref?: () => void }).unref?.();
    });
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    try {
      Deno.addSignalListener(signal, exit);
    } catch {
      // not supported here (Deno Deploy): leases then run out by themselves
    }
  }
}
