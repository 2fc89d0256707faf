/**
 * One route's call to WhiteBIT through the client: bounded in its wait for
 * a rate-limit slot, dropped if the caller leaves before it is sent (never
 * once sent: its answer is kept for the replay), sent once more after one
 * shared `syncTime()` when WhiteBIT refuses its nonce window. Whatever
 * happens becomes an answer: the success, or the problem with its outcome.
 *
 * @example
 * ```ts
 * import { run } from "./_call.ts";
 * import { NonceWindowHealer } from "./_nonce_window.ts";
 * import { MemoryIdempotencyStore } from "./idempotency.ts";
 * import { WhiteBitClient } from "../client.ts";
 * import { WhiteBitSandbox } from "../testing.ts";
 * import { Hono } from "hono";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const deps = {
 *   client,
 *   store: new MemoryIdempotencyStore(),
 *   healer: new NonceWindowHealer(client),
 *   maxWaitMs: 1_000,
 *   scope: Promise.resolve("account"),
 * };
 * const app = new Hono();
 * app.get("/", async (c) => {
 *   const answer = await run(c, deps, async (options) => ({
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
import type { CallOptions } from "../client/options.ts";
import type { IdempotencyStore, StoredResponse } from "./idempotency.ts";
import type { NonceWindowHealer } from "./_nonce_window.ts";
import { type Answer, problemResponse } from "./_answer.ts";
import { type Problem, problem, problemFromError } from "./_problem.ts";

/** A client call of one route: gets the wait bound and the caller's signal. */
export type Call = (options: CallOptions) => Promise<StoredResponse>;

/** What the routes share. */
export interface Deps {
  /** The one client of the app. */
  client: WhiteBitClient;
  /** Where `Idempotency-Key` records live. */
  store: IdempotencyStore;
  /** Keeps the client's requests inside WhiteBIT's nonce window. */
  healer: NonceWindowHealer;
  /** The longest a request waits for a rate-limit slot. */
  maxWaitMs: number;
  /** The key space of `Idempotency-Key`. */
  scope: Promise<string>;
}

const CLOCK_SKEW = problem("clock-skew", "").type;

/**
 * Runs one client call of a route; every failure becomes a problem.
 *
 * @param c The request's context: its signal tells whether the caller left.
 * @param deps The app's client, healer and wait bound.
 * @param call The call.
 * @returns Its answer.
 */
export async function run(c: Context, deps: Deps, call: Call): Promise<Answer> {
  const waitSignal = c.req.raw.signal;
  try {
    return await deps.healer.call(() => call({ maxWaitMs: deps.maxWaitMs, waitSignal }));
  } catch (error) {
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
    return problemResponse(p.type === CLOCK_SKEW ? clockSkew(p, deps.healer) : p);
  }
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
