/**
 * Which client a request sends with: the app's one client, or, with leased
 * nonce lanes, the client of the lane this instance holds now (one client
 * per lane ever held, sharing one rate limiter and one clock: the app's
 * client's, corrected by its `syncTime()`), which checks just before each
 * request leaves that the lane is still held.
 *
 * @example
 * ```ts
 * import { leasedSenders } from "./_senders.ts";
 * import { LaneKeeper } from "./_lane_keeper.ts";
 * import { MemoryNonceLaneStore } from "./nonce_lanes.ts";
 * import { WhiteBitClient } from "../client.ts";
 * import { WhiteBitSandbox } from "../testing.ts";
 * import { ok } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const keeper = new LaneKeeper({
 *   store: new MemoryNonceLaneStore(),
 *   scope: Promise.resolve("key"),
 *   count: 4,
 *   leaseMs: 30_000,
 *   holder: "me",
 *   now: Date.now,
 * });
 * const options = { ...sandbox.credentials, fetch: sandbox.fetch };
 * const senders = leasedSenders(options, keeper, new WhiteBitClient(options));
 * const sender = await senders.take();
 * ok("client" in sender);
 * await sender.client.plans();
 * await senders.close();
 * ```
 *
 * @module
 */

import { WhiteBitClient } from "../client.ts";
import type { WhiteBitClientOptions } from "../client/options.ts";
import { RateLimiter } from "../client/rate_limiter.ts";
import type { LaneKeeper } from "./_lane_keeper.ts";
import { NonceWindowHealer } from "./_nonce_window.ts";
import type { Sender, Senders } from "./_call.ts";
import { NotSentError } from "./_problem.ts";
import { problem } from "./_problem.ts";

/**
 * Every request sends with `client`.
 *
 * @param client The app's client.
 * @returns The senders.
 */
export function fixedSenders(client: WhiteBitClient): Senders {
  const sender: Sender = { client, healer: new NonceWindowHealer(client) };
  return { take: () => Promise.resolve(sender), close: () => Promise.resolve() };
}

/**
 * Requests send with the client of the lane `keeper` holds. Every lane's
 * client takes its nonces from `clock`'s corrected clock, and a nonce
 * refused for WhiteBIT's window corrects `clock`: one correction for all
 * lanes, and the app's clock is the nonces' clock.
 *
 * @param options The clients' options (their `nonceLane` is the lane's).
 * @param keeper This instance's lane.
 * @param clock The client whose `syncTime()` corrects every lane's clock.
 * @returns The senders.
 */
export function leasedSenders(
  options: WhiteBitClientOptions,
  keeper: LaneKeeper,
  clock: WhiteBitClient,
): Senders {
  const rateLimiter = options.rateLimiter ?? new RateLimiter();
  const host = options.now ?? Date.now;
  const now = () => host() + clock.clockOffsetMs;
  const healer = new NonceWindowHealer(clock);
  const count = keeper.count;
  const senders = new Map<number, Sender>();
  const lost = () =>
    new NotSentError(
      problem(
        "nonce-lane-unavailable",
        "This instance's lease of its nonce lane ran out or was lost before the request left; nothing was sent to WhiteBIT. Send it again.",
        { outcome: "not_executed" },
      ),
    );
  const senderOf = (index: number): Sender => {
    let sender = senders.get(index);
    if (!sender) {
      const client = new WhiteBitClient({
        ...options,
        rateLimiter,
        now,
        nonceLane: { index, count },
      });
      sender = {
        client,
        healer,
        check: () => {
          if (!keeper.holds(index)) throw lost();
        },
      };
      senders.set(index, sender);
    }
    return sender;
  };
  return {
    take: async () => {
      let index;
      try {
        index = await keeper.lane();
      } catch (error) {
        return problem(
          "nonce-lane-unavailable",
          `This instance could not take a nonce lane: ${
            error instanceof Error ? error.message : String(error)
          } Nothing was sent to WhiteBIT.`,
          { outcome: "not_executed" },
        );
      }
      return index === undefined
        ? problem(
          "nonce-lane-unavailable",
          `All ${count} nonce lanes of this WhiteBIT key are held by other instances: there are more instances than lanes. Nothing was sent to WhiteBIT; send it again (another instance may hold a lane), or give the key more lanes.`,
          { outcome: "not_executed" },
        )
        : senderOf(index);
    },
    close: () => keeper.close(),
  };
}
