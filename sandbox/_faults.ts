/**
 * Fault injection: the ways a network or a gateway in front of WhiteBIT
 * misbehaves (a slow answer, a wrong answer, no answer at all), before or
 * after WhiteBIT carried the request out, aimed at a path, a nonce or the
 * next requests.
 *
 * @example
 * ```ts
 * import { DROP, FaultQueue, underFault } from "./_faults.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const faults = new FaultQueue();
 * faults.add({ kind: "drop", afterProcessing: true }, { path: "/invest" });
 * strictEqual(faults.take("/plans", 1), undefined);
 * let carriedOut = 0;
 * const answer = await underFault(faults.take("/invest", 2), () => {
 *   carriedOut++;
 *   return Promise.resolve(new Response("{}", { status: 201 }));
 * });
 * strictEqual(answer, DROP); // carried out, then the connection closed
 * strictEqual(carriedOut, 1);
 * ```
 *
 * @module
 */

/**
 * A fault for the next matching requests:
 * - `latency`: wait `ms`, then answer normally;
 * - `respond`: answer `status` with `body` instead, after carrying the request
 *   out if `afterProcessing` (as a gateway failing behind WhiteBIT would);
 * - `drop`: close the connection without an answer, after carrying the
 *   request out if `afterProcessing`.
 *
 * @example
 * ```ts
 * import { TimeoutError, WhiteBitClient } from "@lending/whitebit";
 * import { type SandboxFault, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { rejects, strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, timeoutMs: 50 });
 * const slow: SandboxFault = { kind: "latency", ms: 200 };
 * sandbox.injectFault(slow);
 * await rejects(client.invest({ planId: sandbox.plans[0].id, amount: "100" }), TimeoutError);
 * await sandbox.settled();
 * strictEqual(sandbox.investments.length, 1); // it ran after all: outcome "unknown"
 * ```
 */
export type SandboxFault =
  | { kind: "latency"; ms: number }
  | {
    kind: "respond";
    status: number;
    body?: string;
    contentType?: string;
    afterProcessing?: boolean;
  }
  | { kind: "drop"; afterProcessing?: boolean };

/**
 * Which requests a fault applies to.
 *
 * @example
 * ```ts
 * import { ServerError, WhiteBitClient } from "@lending/whitebit";
 * import { type FaultOptions, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { rejects, strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const twice: FaultOptions = { times: 2, path: "/api/v4/main-account/smart/investment" };
 * sandbox.injectFault({ kind: "respond", status: 503, body: "Service Unavailable" }, twice);
 * const invest = () => client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * await rejects(invest(), ServerError);
 * await rejects(invest(), ServerError);
 * await invest(); // the fault is used up
 * strictEqual(sandbox.investments.length, 1);
 * ```
 */
export interface FaultOptions {
  /** How many requests it applies to. Default 1. */
  times?: number;
  /** Only requests to this path. Default: every private request. */
  path?: string;
  /**
   * Only the request signed with this nonce, so that concurrent requests get
   * the faults meant for them whatever order they arrive in. Default: any.
   */
  nonce?: number;
}

/** Stands for "close the connection without answering". */
export const DROP: unique symbol = Symbol("drop");

/** An answer, or {@linkcode DROP} for none. */
export type Reply = Response | typeof DROP;

/** A fault waiting for its requests. */
interface PendingFault {
  fault: SandboxFault;
  remaining: number;
  path: string | undefined;
  nonce: number | undefined;
}

/**
 * The faults injected and not used up yet, first injected first used.
 *
 * @example
 * ```ts
 * import { FaultQueue } from "./_faults.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const faults = new FaultQueue();
 * faults.add({ kind: "latency", ms: 10 }, { times: 2, nonce: 7 });
 * strictEqual(faults.take("/any", 6), undefined); // aimed at nonce 7 only
 * deepStrictEqual(faults.take("/any", 7), { kind: "latency", ms: 10 });
 * deepStrictEqual(faults.take("/any", 7), { kind: "latency", ms: 10 });
 * strictEqual(faults.take("/any", 7), undefined); // used up
 * ```
 */
export class FaultQueue {
  readonly #pending: PendingFault[] = [];

  /**
   * Adds a fault for the next matching requests.
   *
   * @param fault What to do.
   * @param options How many requests, and which path or nonce.
   */
  add(fault: SandboxFault, options: FaultOptions = {}): void {
    this.#pending.push({
      fault,
      remaining: options.times ?? 1,
      path: options.path,
      nonce: options.nonce,
    });
  }

  /**
   * Takes the first fault that applies to a request, using up one of its times.
   *
   * @param path The request's path.
   * @param nonce The nonce in its body, if any.
   * @returns The fault, or `undefined` if none applies.
   */
  take(path: string, nonce: number | undefined): SandboxFault | undefined {
    const index = this.#pending.findIndex((pending) =>
      (pending.path === undefined || pending.path === path) &&
      (pending.nonce === undefined || pending.nonce === nonce)
    );
    if (index < 0) return undefined;
    const pending = this.#pending[index];
    if (--pending.remaining <= 0) this.#pending.splice(index, 1);
    return pending.fault;
  }
}

/**
 * Answers a request under a `respond` or `drop` fault: at once without
 * carrying it out, or after carrying it out if `afterProcessing`. Without
 * such a fault (none, or a latency already waited out), the request is
 * carried out and its own answer given.
 *
 * @example
 * ```ts
 * import { underFault } from "./_faults.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * let carriedOut = 0;
 * const carryOut = () => {
 *   carriedOut++;
 *   return Promise.resolve(new Response("{}", { status: 201 }));
 * };
 * const answer = await underFault({ kind: "respond", status: 503, body: "Maintenance" }, carryOut);
 * strictEqual(answer instanceof Response && answer.status, 503);
 * strictEqual(carriedOut, 0);
 * ```
 *
 * @param fault The request's fault, if any.
 * @param carryOut Carries the request out and gives its answer.
 * @returns The answer, or {@linkcode DROP}.
 */
export async function underFault(
  fault: SandboxFault | undefined,
  carryOut: () => Promise<Response>,
): Promise<Reply> {
  if (fault?.kind !== "respond" && fault?.kind !== "drop") return await carryOut();
  if (fault.afterProcessing) await carryOut();
  return fault.kind === "drop" ? DROP : faultResponse(fault);
}

function faultResponse(fault: { status: number; body?: string; contentType?: string }): Response {
  return new Response(fault.body ?? "", {
    status: fault.status,
    headers: { "content-type": fault.contentType ?? "text/plain" },
  });
}
