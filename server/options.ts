/**
 * What {@linkcode createApp} takes and gives: its options, the app, and the
 * access log's entries.
 *
 * @example An app for two rotating tokens that logs only what went wrong
 * ```ts
 * import { createApp, type CreateAppOptions } from "@lending/whitebit/server";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 *
 * const sandbox = new WhiteBitSandbox();
 * const options: CreateAppOptions = {
 *   client: { ...sandbox.credentials, fetch: sandbox.fetch },
 *   tokens: ["current", "previous"],
 *   log: (entry) => entry.status >= 500 && console.error(JSON.stringify(entry)),
 * };
 * const app = createApp(options);
 * ```
 *
 * @module
 */

import type { WhiteBitClient } from "../client.ts";
import type { WhiteBitClientOptions, WhiteBitEvent } from "../client/options.ts";
import type { IdempotencyStore } from "./idempotency.ts";
import type { NonceLaneStore } from "./nonce_lanes.ts";

/**
 * One line of the access log: never a body, a header or a secret.
 *
 * @example
 * ```ts
 * import { type AccessLogEntry, createApp } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const entries: AccessLogEntry[] = [];
 * const app = createApp({ log: (entry) => entries.push(entry) });
 * await app.fetch(new Request("http://localhost/healthz"));
 * strictEqual(entries[0].status, 503); // no client and no tokens: not configured
 * ```
 */
export interface AccessLogEntry {
  /** ISO time the answer was sent. */
  time: string;
  /** The request id. */
  requestId: string;
  /** The HTTP method. */
  method: string;
  /** The URL path. */
  path: string;
  /** The status answered. */
  status: number;
  /** Time taken, in milliseconds. */
  durationMs: number;
  /**
   * Something an operator must know, such as an answer that could not be
   * kept for its `Idempotency-Key` (the key then stays in flight until it
   * is reconciled). Fixed text: never a body, a header or a secret.
   */
  warning?: string;
  /**
   * The client's events of this request (see `WhiteBitEvent`): each
   * request signed (path, nonce, parameters), each answer (status,
   * WhiteBIT's request id, milliseconds), each failure (error class,
   * outcome); never credentials. At most 32; `eventsDropped` counts the rest.
   */
  events?: WhiteBitEvent[];
  /** How many of this request's events were left out of `events`. */
  eventsDropped?: number;
  /**
   * Set when this request reconciled its `Idempotency-Key`'s earlier
   * attempt, whose server stopped mid-call: `found` (answered with what
   * that attempt made) or `not-found` (carried out now). Also the
   * `Idempotent-Reconciled` header.
   */
  reconciled?: "found" | "not-found";
}

/**
 * Options of {@linkcode createApp}.
 *
 * @example
 * ```ts
 * import { createApp, type CreateAppOptions } from "@lending/whitebit/server";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 *
 * const sandbox = new WhiteBitSandbox();
 * const options: CreateAppOptions = {
 *   client: { ...sandbox.credentials, fetch: sandbox.fetch },
 *   tokens: ["current", "previous"],
 *   corsOrigins: ["https://app.example"],
 *   maxWaitMs: 5_000,
 *   log: false,
 * };
 * const app = createApp(options);
 * ```
 */
export interface CreateAppOptions {
  /** The client, or its options (one client per app: the key is imported once). Without it, every route answers 503. */
  client?: WhiteBitClient | WhiteBitClientOptions;
  /** Caller bearer tokens (trimmed); several allow rotation. Without any, every route answers 503. */
  tokens?: string[];
  /** Where `Idempotency-Key` records live. Default: this isolate's memory. */
  idempotencyStore?: IdempotencyStore;
  /**
   * The key space of `Idempotency-Key`: the WhiteBIT account the server acts
   * for, shared by all its callers. Default: a digest of the client's base
   * URL and API key (never the key itself) when `client` is given as
   * options, else of its base URL only; set it when several apps given a
   * `WhiteBitClient` for different accounts share one store.
   */
  idempotencyScope?: string;
  /**
   * How long the instance that claims an `Idempotency-Key` holds it before
   * a retry may take it over and reconcile its call (if that instance died
   * mid-call, the key would otherwise answer 409 until it expires). The
   * holder sends nothing in the last 15 s of its lease, so 20 000 to
   * 86 400 000 ms; keep it above `maxWaitMs` plus the client's `timeoutMs`
   * and 21 s, or a retry after a crash may wait (up to `maxWaitMs`) for
   * the dead holder's investment to settle before taking it. Default 60 000.
   */
  idempotencyLeaseMs?: number;
  /**
   * Leased nonce lanes, for a fleet of instances on one WhiteBIT key that
   * comes and goes (autoscaling): each instance takes one of the key's
   * `count` lanes from `store` (shared by the fleet) with a lease of
   * `leaseMs` (default 30 000), renews it while it runs and gives it up on
   * `close()`; while it holds none, requests to WhiteBIT answer 503
   * `nonce-lane-unavailable` with nothing sent. `client` must then be
   * options, not a `WhiteBitClient`: the app makes one client per lane.
   */
  nonceLanes?: { count: number; store: NonceLaneStore; leaseMs?: number };
  /**
   * How long a request may wait for a WhiteBIT rate-limit slot before it is
   * answered 503 `server-busy` with nothing sent. Default 15 000.
   */
  maxWaitMs?: number;
  /**
   * The host's clock, in Unix milliseconds: corrected by the offset the
   * client measures with `syncTime()` (WhiteBIT's clock, the nonces'), it
   * is the clock of `Idempotency-Key` leases and of leased nonce lanes,
   * and must be the clock the client's nonces come from: a `WhiteBitClient`
   * given with its own `now` needs the same one here. Default: the client
   * options' `now`, else `Date.now`.
   */
  now?: () => number;
  /** Origins allowed by CORS. Default: none (CORS off). */
  corsOrigins?: string[];
  /** Receives one entry per request; `false` for none. Default: a JSON line on `console.log`. */
  log?: ((entry: AccessLogEntry) => void) | false;
}

/**
 * The app: a `fetch` handler for Deno and Workers alike.
 *
 * @example
 * ```ts
 * import { createApp, type LendingApp } from "@lending/whitebit/server";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const app: LendingApp = createApp({
 *   client: { ...sandbox.credentials, fetch: sandbox.fetch },
 *   tokens: ["t"],
 *   log: false,
 * });
 * strictEqual((await app.fetch(new Request("http://localhost/healthz"))).status, 200);
 * ```
 */
export interface LendingApp {
  /** Answers one request. */
  fetch(request: Request, env?: unknown, context?: unknown): Response | Promise<Response>;
  /**
   * Shuts down without cutting off a request: from now on every request to
   * WhiteBIT answers 503 `server-stopping` with nothing sent (as do those
   * still waiting for their turn, and `/healthz` answers 503 `stopping`);
   * once the requests already sent have their answers (each bounded by the
   * client's `timeoutMs`), gives up the nonce lane this instance holds and
   * stops renewing it.
   */
  close(): Promise<void>;
}
