/**
 * One route's call to WhiteBIT through the client: bounded in its wait for
 * a rate-limit slot, dropped if the caller leaves or the app stops before
 * it is sent (never once sent: its answer is kept for the replay), never
 * sent once its nonce lane is gone or outside its `Idempotency-Key`'s send
 * window, sent once more after one shared `syncTime()` when WhiteBIT
 * refuses its nonce window (a key's lease renewed first, on the corrected
 * clock), and its client events collected for the request's access-log
 * line. Whatever happens becomes an answer: the success, or the problem
 * with its outcome.
 *
 * @example
 * ```ts
 * import { run } from "./_call.ts";
 * import type { ServerEnv } from "./_answer.ts";
 * import { NonceWindowHealer } from "./_nonce_window.ts";
 * import { WhiteBitClient } from "../client.ts";
 * import { WhiteBitSandbox } from "../testing.ts";
 * import { Hono } from "hono";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const sender = { client, healer: new NonceWindowHealer(client) };
 * const deps = { maxWaitMs: 1_000, clock: Date.now };
 * const app = new Hono<ServerEnv>();
 * app.get("/", async (c) => {
 *   const answer = await run(c, deps, sender, async (client, options) => ({
 *     status: 200,
 *     body: JSON.stringify(await client.plans({}, options)),
 *     contentType: "application/json",
 *   }));
 *   return c.body(answer.body, answer.status as 200);
 * });
 * strictEqual((await app.fetch(new Request("http://localhost/"))).status, 200);
 * ```
 *
 * @module
 */

import type { Context } from "hono";
import type { WhiteBitClient } from "../client.ts";
import type { CallOptions, WhiteBitEvent } from "../client/options.ts";
import type { IdempotencyStore, StoredResponse } from "./idempotency.ts";
import type { NonceWindowHealer } from "./_nonce_window.ts";
import { type Answer, problemResponse, type ServerEnv } from "./_answer.ts";
import { NotSentError, type Problem, problem, problemFromError } from "./_problem.ts";
import type { SendWindow } from "./_send_window.ts";

/** A client call of one route: gets the client to send with, and the request's call options. */
export type Call = (client: WhiteBitClient, options: CallOptions) => Promise<StoredResponse>;

/** The client a request sends with, and what keeps it sending right. */
export interface Sender {
  /** The client: the app's, or the one of the nonce lane this instance holds. */
  client: WhiteBitClient;
  /** Keeps its requests inside WhiteBIT's nonce window. */
  healer: NonceWindowHealer;
  /** Throws a {@linkcode NotSentError} when the client may no longer send (its lane was lost). */
  check?: () => void;
}

/** Where a request gets its {@linkcode Sender}. */
export interface Senders {
  /** The sender for a request now, or the problem that keeps any from sending. */
  take(): Promise<Sender | Problem>;
  /** Gives up what the senders hold (a nonce lane). */
  close(): Promise<void>;
}

/** What the routes share. */
export interface Deps {
  senders: Senders;
  /** Where `Idempotency-Key` records live. */
  store: IdempotencyStore;
  /** The longest a request waits for a rate-limit slot. */
  maxWaitMs: number;
  /** The key space of `Idempotency-Key`. */
  scope: Promise<string>;
  /** This app instance: a random id, part of every holder of its keys and lanes. */
  instance: string;
  /** How long a key's holder holds it before others may reconcile it. */
  leaseMs: number;
  /**
   * WhiteBIT's clock as the app's client corrects it (the host's clock plus
   * the offset its last `syncTime()` measured), in Unix milliseconds: the
   * clock of leases, the same as the nonces'.
   */
  clock: () => number;
}

/** The most client events an access-log line carries; more are counted, not kept. */
const MAX_EVENTS = 32;
const CLOCK_SKEW = problem("clock-skew", "").type;

/**
 * This request's options for client calls: the wait bound, the caller's
 * signal and the app's stop (`c.get("stop")`: neither is waited through,
 * and nothing is sent after them), its events collected for the access
 * log, and the sender's check (plus a key's send window, checked with the
 * nonce) just before each request leaves.
 *
 * @param c The request's context.
 * @param deps The app's wait bound.
 * @param sender The client's check.
 * @param window The send window of the key the request holds, if it holds one.
 * @returns The options.
 */
export function callOptions(
  c: Context<ServerEnv>,
  deps: Pick<Deps, "maxWaitMs">,
  sender: Sender,
  window?: SendWindow,
): CallOptions {
  const stop = c.get("stop");
  return {
    maxWaitMs: deps.maxWaitMs,
    waitSignal: stop ? AbortSignal.any([c.req.raw.signal, stop.signal]) : c.req.raw.signal,
    onEvent: (event: WhiteBitEvent) => {
      const events = c.get("events") ?? [];
      if (events.length < MAX_EVENTS) events.push(event);
      else c.set("eventsDropped", (c.get("eventsDropped") ?? 0) + 1);
      c.set("events", events);
    },
    beforeSend: (nonce) => {
      stop?.check();
      sender.check?.();
      if (window && !window.allows(nonce)) {
        throw new NotSentError(
          problem(
            "server-busy",
            "This request's turn to send came too late (or this server's clock moved since its Idempotency-Key was claimed): WhiteBIT could act on it after the key's lease runs out, or before the attempt time its record keeps, so it was not sent. Send it again.",
            { outcome: "not_executed" },
          ),
        );
      }
    },
  };
}

/**
 * Runs one client call of a route; every failure becomes a problem. When
 * WhiteBIT refuses its nonce window and the clock is corrected, the key it
 * holds (if any) has its lease renewed on the corrected clock before the
 * call is sent again; if it cannot be, it is not.
 *
 * @param c The request's context: its signal tells whether the caller left.
 * @param deps The app's wait bound and clock.
 * @param sender The client and its healer.
 * @param call The call.
 * @param window The send window of the key the request holds, if it holds one.
 * @returns Its answer.
 */
export async function run(
  c: Context<ServerEnv>,
  deps: Pick<Deps, "maxWaitMs" | "clock">,
  sender: Sender,
  call: Call,
  window?: SendWindow,
): Promise<Answer> {
  const options = callOptions(c, deps, sender, window);
  const waitSignal = options.waitSignal!;
  const renew = window && (async () => {
    if (!(await window.renew(deps.clock()))) throw notRenewed();
  });
  try {
    return await sender.healer.call(() => call(sender.client, options), renew);
  } catch (error) {
    if (error instanceof NotSentError) return problemResponse(error.problem);
    if (waitSignal.aborted && error === waitSignal.reason) {
      return problemResponse(
        problem(
          "client-closed-request",
          "The caller left while the request waited for its turn; nothing was sent to WhiteBIT.",
          { outcome: "not_executed" },
        ),
      );
    }
    const p = problemFromError(error);
    return problemResponse(p.type === CLOCK_SKEW ? clockSkew(p, sender.healer) : p);
  }
}

/** A key whose lease could not be renewed after its request's nonce was refused: not sent again. */
function notRenewed(): NotSentError {
  return new NotSentError(
    problem(
      "server-busy",
      "WhiteBIT refused this request's nonce as outside its ±5 s window, so it did nothing; this server corrected its clock, but could not renew its Idempotency-Key's lease on it (the key was taken over, or the store failed), so it was not sent again. Send it again.",
      { outcome: "not_executed" },
    ),
  );
}

/** A nonce-window refusal that survived a `syncTime()`: what is wrong is the clock. */
function clockSkew(p: Problem, healer: NonceWindowHealer): Problem {
  const { offsetMs, syncFailure } = healer;
  return problem(
    "clock-skew",
    syncFailure === undefined
      ? `WhiteBIT refused the nonce as outside its ±5 s window even after this server re-read WhiteBIT's time (WhiteBIT's clock minus this host's: ${offsetMs} ms). Set this host's clock right (NTP). Nothing was carried out.`
      : `WhiteBIT refused the nonce as outside its ±5 s window, and this server could not read WhiteBIT's time (${syncFailure}). Set this host's clock right (NTP). Nothing was carried out.`,
    { outcome: p.outcome, ...(offsetMs === undefined ? {} : { clockOffsetMs: offsetMs }) },
  );
}
