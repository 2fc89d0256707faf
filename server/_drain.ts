/**
 * Stopping an app without cutting off its requests: once `stop()` is
 * called, no new request to WhiteBIT starts (each is answered 503
 * `server-stopping`, `outcome: "not_executed"`), none still waiting for
 * its turn waits on or leaves (the `stopping` signal: those answer the
 * same), and `stop()` resolves once the requests already sent have their
 * answers, each bounded by the client's timeout. Then the app may give
 * its nonce lane up.
 *
 * @example
 * ```ts
 * import { Drain } from "./_drain.ts";
 * import type { Problem } from "./_problem.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const drain = new Drain();
 * const refuse = (p: Problem) => Response.json(p, { status: p.status });
 * const held = Promise.withResolvers<Response>();
 * const running = drain.run(() => held.promise, refuse);
 * const stopped = drain.stop();
 * strictEqual((await drain.run(() => Promise.resolve(new Response("never")), refuse)).status, 503);
 * held.resolve(new Response("201"));
 * strictEqual(await (await running).text(), "201"); // answered, not cut off
 * await stopped;
 * ```
 *
 * @module
 */

import { NotSentError } from "./_call.ts";
import { type Problem, problem } from "./_problem.ts";

/** The requests an app is running, and its stop. */
export class Drain {
  readonly #controller = new AbortController();
  readonly #idle = Promise.withResolvers<void>();
  #running = 0;

  /**
   * Aborted by {@linkcode Drain.stop}, its reason the {@linkcode NotSentError}
   * of `server-stopping`: what is waiting stops waiting, and nothing leaves.
   */
  get stopping(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * Runs one request's `handle`, counted until it answers; once stopping,
   * answers the `server-stopping` problem with `refuse` instead.
   *
   * @param handle The request's handler.
   * @param refuse Answers a problem.
   * @returns Its response.
   */
  async run(
    handle: () => Promise<Response>,
    refuse: (p: Problem) => Response,
  ): Promise<Response> {
    if (this.stopping.aborted) return refuse((this.stopping.reason as NotSentError).problem);
    this.#running++;
    try {
      return await handle();
    } finally {
      if (--this.#running === 0 && this.stopping.aborted) this.#idle.resolve();
    }
  }

  /**
   * Stops taking requests and waits for those running to answer.
   *
   * @returns Once none is running.
   */
  stop(): Promise<void> {
    if (!this.stopping.aborted) {
      this.#controller.abort(
        new NotSentError(
          problem(
            "server-stopping",
            "This server instance is stopping: nothing was sent to WhiteBIT. Send the request again; another instance takes it.",
            { outcome: "not_executed" },
          ),
        ),
      );
    }
    if (this.#running === 0) this.#idle.resolve();
    return this.#idle.promise;
  }
}
