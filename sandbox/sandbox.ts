/**
 * The sandbox itself: one class that puts the pieces together. A request
 * is recorded, may meet an injected fault (`_faults.ts`), is counted against
 * its key's rate limit (`_auth.ts`), and reaches the routes (`_routes.ts`),
 * which check it as WhiteBIT does and move the ledger (`_ledger.ts`). It
 * answers in process (`fetch`) or over HTTP on 127.0.0.1 (`listen`, through
 * `_loopback_server.ts`).
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * strictEqual(sandbox.balance(sandbox.credentials.apiKey, "USDT"), "9900");
 * strictEqual(sandbox.requests.length, 1);
 * ```
 *
 * @module
 */

import { PRIVATE_PREFIX } from "../client/_paths.ts";
import { rateLimitPage } from "./_answers.ts";
import { Authenticator } from "./_auth.ts";
import { DEMO_ACCOUNT, DEMO_FLEX_PLANS, DEMO_PLANS } from "./_demo.ts";
import {
  FlexLedger,
  type SandboxFlexInvestment,
  type SandboxFlexPlan,
  type SandboxFlexTransaction,
} from "./_flex_ledger.ts";
import {
  DROP,
  type FaultOptions,
  FaultQueue,
  type Reply,
  type SandboxFault,
  underFault,
} from "./_faults.ts";
import { Ledger } from "./_ledger.ts";
import { type LoopbackServer, serveLoopback } from "./_loopback_server.ts";
import { createRoutes } from "./_routes.ts";
import type {
  SandboxAccount,
  SandboxInterestPayment,
  SandboxInvestment,
  SandboxPastInvestment,
  SandboxPlan,
  SandboxPlanState,
  SandboxRequestRecord,
} from "./types.ts";

/**
 * Options of {@linkcode WhiteBitSandbox}.
 *
 * @example
 * ```ts
 * import { RateLimitError, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox, type WhiteBitSandboxOptions } from "@lending/whitebit/testing";
 * import { rejects } from "node:assert/strict";
 *
 * const now = () => 1_700_000_000_000; // one clock for both sides
 * const options: WhiteBitSandboxOptions = { now, rateLimit: 1, rateLimitWindowMs: 10_000 };
 * const sandbox = new WhiteBitSandbox(options);
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, now, maxRetries: 0 });
 * await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * await rejects(client.invest({ planId: sandbox.plans[1].id, amount: "0.5" }), RateLimitError);
 * ```
 */
export interface WhiteBitSandboxOptions {
  /** The accounts. Default: one demo account with 10 000 USDT and 1 BTC. */
  accounts?: SandboxAccount[];
  /** The fixed plans. Default: a few demo plans, the first an active USDT plan. */
  plans?: SandboxPlan[];
  /**
   * The flex plans. Default: WhiteBIT's documented examples, an active USDT
   * plan and an active BTC plan (in that order), and a paused USDT plan.
   */
  flexPlans?: SandboxFlexPlan[];
  /** Decimal places allowed per ticker. Default 8 for any ticker not listed. */
  precision?: Record<string, number>;
  /**
   * The sandbox's clock, in Unix milliseconds. Default `Date.now`. It stamps
   * investments and drives maturity: pass a function reading a variable to
   * move time in tests.
   */
  now?: () => number;
  /** Makes each new investment's id. Default `crypto.randomUUID`. */
  newId?: () => string;
  /**
   * Investments the accounts made and closed before the sandbox started, to
   * test long histories without investing each one: they are listed in the
   * investments history (closed, no interest paid) and move no balance.
   * Default none.
   */
  pastInvestments?: SandboxPastInvestment[];
  /** Requests per window per API key. Default 1000. */
  rateLimit?: number;
  /** The rate limit's window in milliseconds. Default 10 000. */
  rateLimitWindowMs?: number;
}

/**
 * A local WhiteBIT for tests, demos and load tests.
 *
 * @example Inject a fault: carry the investment out, then drop the connection
 * ```ts
 * import { NetworkError, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { rejects, strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * sandbox.injectFault({ kind: "drop", afterProcessing: true });
 * await rejects(client.invest({ planId: sandbox.plans[0].id, amount: "100" }), NetworkError);
 * strictEqual(sandbox.investments.length, 1); // the money moved: outcome "unknown"
 * ```
 */
export class WhiteBitSandbox {
  /** The first account's credentials. */
  readonly credentials: { apiKey: string; apiSecret: string };
  readonly #ledger: Ledger;
  readonly #flex: FlexLedger;
  readonly #auth: Authenticator;
  readonly #routes: (request: Request) => Promise<Response>;
  readonly #faults = new FaultQueue();
  readonly #requests: SandboxRequestRecord[] = [];
  readonly #inFlight = new Set<Promise<unknown>>();

  /**
   * Creates a sandbox with its own accounts, plans and ledger.
   *
   * @param options Accounts, plans, clock and limits; demo data by default.
   * @throws {TypeError} If no account is given, or a past investment is not in a sandbox plan and account.
   */
  constructor(options: WhiteBitSandboxOptions = {}) {
    const accounts = options.accounts ?? [DEMO_ACCOUNT];
    const now = options.now ?? Date.now;
    const newId = options.newId ?? (() => crypto.randomUUID());
    const ledger = new Ledger({
      accounts,
      plans: options.plans ?? DEMO_PLANS,
      precision: options.precision,
      now,
      newId,
      pastInvestments: options.pastInvestments,
    });
    this.#ledger = ledger;
    // Flex moves the same main balances as fixed lending.
    this.#flex = new FlexLedger({
      plans: options.flexPlans ?? DEMO_FLEX_PLANS,
      wallet: {
        balance: (apiKey, ticker) => ledger.balance(apiKey, ticker),
        set: (apiKey, ticker, amount) => ledger.setBalance(apiKey, ticker, amount),
        precision: (ticker) => ledger.precision(ticker),
      },
      now,
      newId,
    });
    this.#auth = new Authenticator({
      accounts,
      now,
      rateLimit: options.rateLimit,
      rateLimitWindowMs: options.rateLimitWindowMs,
    });
    this.#routes = createRoutes({ ledger, auth: this.#auth, now, flex: this.#flex });
    this.credentials = { apiKey: accounts[0].apiKey, apiSecret: accounts[0].apiSecret };
  }

  /** The plans as they are now (copies). */
  get plans(): SandboxPlanState[] {
    return this.#ledger.plans().map((plan) => ({ ...plan }));
  }

  /** Every investment made, oldest first (copies), matured up to the sandbox's clock. */
  get investments(): SandboxInvestment[] {
    this.#settle();
    return this.#ledger.investments().map((investment) => ({ ...investment }));
  }

  /** Every interest payment, in the order paid (copies), up to the sandbox's clock. */
  get interestPayments(): SandboxInterestPayment[] {
    this.#settle();
    return this.#ledger.payments().map((payment) => ({ ...payment }));
  }

  /**
   * The flex plans, listed or not (copies).
   *
   * @example
   * ```ts
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * deepStrictEqual(sandbox.flexPlans.map((plan) => plan.ticker), ["USDT", "BTC", "USDT"]);
   * ```
   */
  get flexPlans(): SandboxFlexPlan[] {
    return this.#flex.allPlans().map((plan) => ({ ...plan }));
  }

  /**
   * Every account's flex positions, newest first (copies), with the daily
   * earnings up to the sandbox's clock.
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * await client.flex.invest({ plan: sandbox.flexPlans[0].id, amount: "100" });
   * strictEqual(sandbox.flexInvestments[0].invested, "100");
   * ```
   */
  get flexInvestments(): SandboxFlexInvestment[] {
    this.#settle();
    return this.#flex.investments();
  }

  /**
   * Every account's flex history, newest first (copies), up to the sandbox's clock.
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const { transactionId } = await client.flex.invest({ plan: sandbox.flexPlans[0].id, amount: "100" });
   * strictEqual(sandbox.flexHistory[0].transaction_id, transactionId);
   * ```
   */
  get flexHistory(): SandboxFlexTransaction[] {
    this.#settle();
    return this.#flex.history();
  }

  /** Every request that reached the sandbox, oldest first (copies). */
  get requests(): SandboxRequestRecord[] {
    return this.#requests.map((record) => ({ ...record }));
  }

  /**
   * An account's main balance.
   *
   * @example
   * ```ts
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * strictEqual(sandbox.balance(sandbox.credentials.apiKey, "USDT"), "10000");
   * ```
   *
   * @param apiKey The account's API key.
   * @param ticker The currency.
   * @returns The balance as a decimal string (`"0"` if none).
   */
  balance(apiKey: string, ticker: string): string {
    this.#settle();
    return this.#ledger.balance(apiKey, ticker);
  }

  /**
   * Makes the next matching requests misbehave.
   *
   * @example
   * ```ts
   * import { ServerError, WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { rejects } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * sandbox.injectFault({ kind: "respond", status: 503, body: "<html>Maintenance</html>", contentType: "text/html" });
   * await rejects(client.invest({ planId: sandbox.plans[0].id, amount: "100" }), ServerError);
   * ```
   *
   * @param fault What to do.
   * @param options How many requests, and which path or nonce.
   */
  injectFault(fault: SandboxFault, options: FaultOptions = {}): void {
    this.#faults.add(fault, options);
  }

  /**
   * Answers a request in process, as `fetch` would over the network: a
   * dropped connection rejects with a `TypeError`, and the request's signal
   * aborts the wait (the sandbox still finishes what it started).
   *
   * @example
   * ```ts
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox({ now: () => 1_700_000_000_000 });
   * const response = await sandbox.fetch("https://whitebit.com/api/v4/public/time");
   * deepStrictEqual(await response.json(), { time: 1_700_000_000 });
   * ```
   *
   * @param input The URL or request.
   * @param init Request options.
   * @returns The response.
   */
  readonly fetch = (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const request = new Request(input, init);
    const answer = this.#handle(request).then((response) => {
      if (response === DROP) {
        throw new TypeError(
          "error sending request: connection closed before message completed",
        );
      }
      return response;
    });
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(request.signal.reason);
      if (request.signal.aborted) return onAbort();
      request.signal.addEventListener("abort", onAbort, { once: true });
      answer.then(resolve, reject).finally(() =>
        request.signal.removeEventListener("abort", onAbort)
      );
    });
  };

  /**
   * Serves the sandbox over HTTP/1.1 on 127.0.0.1.
   *
   * @example
   * ```ts
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const server = sandbox.listen();
   * const response = await fetch(`${server.url}/api/v4/public/time`);
   * strictEqual(response.status, 200);
   * await response.body?.cancel();
   * await server.close();
   * ```
   *
   * @param options The port; 0 (default) picks a free one.
   * @returns The URL and a `close` function (also `await using`).
   */
  listen(options: { port?: number } = {}): LoopbackServer {
    return serveLoopback(async (request) => {
      const response = await this.#handle(request);
      return response === DROP ? null : response;
    }, options);
  }

  /**
   * Waits until every request the sandbox has started is finished, such as
   * one whose client gave up during an injected latency.
   *
   * @example
   * ```ts
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   *
   * const sandbox = new WhiteBitSandbox();
   * await sandbox.settled();
   * ```
   *
   * @returns When nothing is in progress.
   */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) {
      await Promise.allSettled([...this.#inFlight]);
    }
  }

  /** Matures fixed investments and credits flex earnings up to the sandbox's clock. */
  #settle(): void {
    this.#ledger.settle();
    this.#flex.settle();
  }

  #handle(request: Request): Promise<Reply> {
    const task = this.#process(request);
    this.#inFlight.add(task);
    return task.finally(() => this.#inFlight.delete(task));
  }

  /**
   * One request's way through the sandbox: recorded, then for a private
   * path a fault is drawn (a latency is waited out at once), the key's rate
   * limit is counted (over it, the gateway's 429 whatever the fault), and
   * the routes carry it out under the fault.
   */
  async #process(request: Request): Promise<Reply> {
    const path = new URL(request.url).pathname;
    const record: SandboxRequestRecord = {
      method: request.method,
      path,
      nonce: undefined,
      status: 0,
    };
    this.#requests.push(record);
    const text = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
    record.nonce = nonceOf(text);
    const isPrivate = path.startsWith(PRIVATE_PREFIX);
    const fault = isPrivate ? this.#faults.take(path, record.nonce) : undefined;
    if (fault?.kind === "latency") {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    }
    const overRate = isPrivate && this.#auth.rateLimited(request.headers.get("x-txc-apikey") ?? "");
    const carryOut = () =>
      this.#routes(
        new Request(request.url, {
          method: request.method,
          headers: request.headers,
          body: text || undefined,
        }),
      );
    const reply = overRate ? rateLimitPage() : await underFault(fault, carryOut);
    record.status = reply === DROP ? "dropped" : reply.status;
    return reply;
  }
}

/** The nonce of a body, read loosely (for records and aimed faults), whether or not it is valid. */
function nonceOf(text: string): number | undefined {
  const match = /"nonce"\s*:\s*"?(\d{1,16})/.exec(text);
  return match ? Number(match[1]) : undefined;
}
