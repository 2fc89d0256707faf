/**
 * Stopping an app without cutting off its requests: once `stop()` is
 * called, no new request to WhiteBIT starts (each is answered 503
 * `server-stopping`, `outcome: "not_executed"`), none still waiting for
 * its turn waits on or leaves (each request's {@linkcode Stop}: those
 * answer the same), and `stop()` resolves once the requests already
 * running have answered, or after `withinMs` (the client's timeout and a
 * second: every request sent before the stop has its answer, or has given
 * up on it, by then; one stuck elsewhere, in its store, never sends). Then
 * the app may give its nonce lane up. What the requests share is plain data: on
 * Workers, an abort signal belongs to the request that made it.
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
 * const stopped = drain.stop(10_000);
 * strictEqual((await drain.run(() => Promise.resolve(new Response("never")), refuse)).status, 503);
 * held.resolve(new Response("201"));
 * strictEqual(await (await running).text(), "201"); // answered, not cut off
 * await stopped;
 * ```
 *
 * @module
 */

import { NotSentError, type Problem, problem } from "./_problem.ts";

/** One request's view of its app's stop. */
export interface Stop {
  /** Aborted, with the `server-stopping` {@linkcode NotSentError}, when the app stops. */
  signal: AbortSignal;
  /** Throws that error once the app is stopping: called just before a request leaves. */
  check(): void;
}

/** The requests an app is running, and its stop. */
export class Drain {
  readonly #running = new Set<AbortController>();
  #stopped: NotSentError | undefined;
  #idle: PromiseWithResolvers<void> | undefined;

  /** Whether {@linkcode Drain.stop} was called. */
  get stopping(): boolean {
    return this.#stopped !== undefined;
  }

  /**
   * Runs one request's `handle`, counted until it answers; once stopping,
   * answers the `server-stopping` problem with `refuse` instead.
   *
   * @param handle The request's handler, given its view of the stop.
   * @param refuse Answers a problem.
   * @returns Its response.
   */
  async run(
    handle: (stop: Stop) => Promise<Response>,
    refuse: (p: Problem) => Response,
  ): Promise<Response> {
    if (this.#stopped) return refuse(this.#stopped.problem);
    const controller = new AbortController();
    this.#running.add(controller);
    const check = () => {
      if (this.#stopped) throw this.#stopped;
    };
    try {
      return await handle({ signal: controller.signal, check });
    } finally {
      this.#running.delete(controller);
      if (this.#running.size === 0) this.#idle?.resolve();
    }
  }

  /**
   * Stops taking requests, stops those waiting for their turn, and waits
   * for those running to answer, at most `withinMs`.
   *
   * @param withinMs How long to wait at most: the client's timeout and a second.
   * @returns Once none is running, or `withinMs` has passed.
   */
  async stop(withinMs: number): Promise<void> {
    this.#stopped ??= new NotSentError(
      problem(
        "server-stopping",
        "This server instance is stopping: nothing was sent to WhiteBIT. Send the request again; another instance takes it.",
        { outcome: "not_executed" },
      ),
    );
    for (const controller of this.#running) {
      try {
        controller.abort(this.#stopped);
      } catch {
        // Workers: another request's signal. Its check() still stops it before it leaves.
      }
    }
    if (this.#running.size === 0) return;
    this.#idle ??= Promise.withResolvers();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.#idle.promise,
      new Promise((resolve) => timer = setTimeout(resolve, withinMs)),
    ]);
    clearTimeout(timer);
  }
}
