/**
 * A local WhiteBIT for the lending API, faithful enough that a client which
 * passes against it works against WhiteBIT: it verifies signatures, payloads
 * and nonces in WhiteBIT's order, answers every documented error with
 * WhiteBIT's status and body, keeps balances and a ledger with exact decimal
 * arithmetic, rate-limits like WhiteBIT, and injects faults on demand.
 *
 * It serves the five fixed-lending endpoints (plans, invest, investments
 * history, close, interest payments history) and the public time. Its clock
 * (`now`) drives maturity: once an investment's term has passed, the next
 * look at the sandbox pays its interest, returns its amount and closes it.
 *
 * Use it in process (`sandbox.fetch`) or over real HTTP on 127.0.0.1
 * (`sandbox.listen()`).
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * await using server = sandbox.listen();
 * const client = new WhiteBitClient({ ...sandbox.credentials, baseUrl: server.url });
 * await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * strictEqual(sandbox.investments.length, 1);
 * ```
 *
 * @module
 */

import { Hono } from "hono";
import type { Context } from "hono";
import {
  addDecimal,
  compareDecimal,
  divideDecimal,
  isDecimal,
  multiplyDecimal,
  subtractDecimal,
} from "./client/_decimal.ts";
import { type LoopbackServer, serveLoopback } from "./sandbox/_loopback_server.ts";
import {
  CLOSE_PATH,
  INTEREST_PATH,
  INVEST_PATH,
  INVESTMENTS_PATH,
  MAX_LIMIT,
  MAX_OFFSET,
  PLANS_PATH,
  PRIVATE_PREFIX,
  TIME_PATH,
} from "./client/_paths.ts";
import type { FixedPlan, InterestPayment, Investment } from "./client/types.ts";
import { isRecord, mustBe } from "./client/_validate.ts";

export { addDecimal, compareDecimal, divideDecimal, isDecimal, multiplyDecimal, subtractDecimal };
export type { LoopbackServer };

/**
 * An account of the sandbox.
 *
 * @example
 * ```ts
 * import { PermissionError, WhiteBitClient } from "@lending/whitebit";
 * import { type SandboxAccount, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { rejects } from "node:assert/strict";
 *
 * const retail: SandboxAccount = {
 *   apiKey: "retail-key",
 *   apiSecret: "retail-secret",
 *   balances: { USDT: "500" },
 *   lendingAccess: false, // WhiteBIT opens lending to B2B partners only
 * };
 * const sandbox = new WhiteBitSandbox({ accounts: [retail] });
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * await rejects(client.invest({ planId: sandbox.plans[0].id, amount: "100" }), PermissionError);
 * ```
 */
export interface SandboxAccount {
  /** Its API key. */
  apiKey: string;
  /** Its API secret. */
  apiSecret: string;
  /** Main balances by ticker, as decimal strings. Default `{}`. */
  balances?: Record<string, string>;
  /** Whether the account may use the lending API (WhiteBIT's B2B gate). Default `true`. */
  lendingAccess?: boolean;
  /** Whether the key is enabled in the API settings. Default `true`. */
  keyEnabled?: boolean;
  /** Whether it may hold several active investments in one plan. Default `false`. */
  multipleInvestments?: boolean;
}

/**
 * A fixed lending plan of the sandbox.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { type SandboxPlan, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const plan: SandboxPlan = {
 *   id: "0b6f2c8e-3a1d-4f5b-9c7e-8d2a1b0c3e4f",
 *   ticker: "USDT",
 *   percent: "3",
 *   minInvestment: "50",
 *   maxInvestment: "1000",
 * };
 * const sandbox = new WhiteBitSandbox({ plans: [plan] });
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * await client.invest({ planId: plan.id, amount: "50" });
 * strictEqual(sandbox.plans[0].maxPossibleInvestment, "950");
 * ```
 */
export interface SandboxPlan {
  /** The plan id. */
  id: string;
  /** The invested currency. */
  ticker: string;
  /** 1 active, 2 no coins left, 3 inactive, 4 paused. Default 1. */
  status?: 1 | 2 | 3 | 4;
  /** Interest percent for the whole term, as a decimal string. Default `"1"`. */
  percent?: string;
  /** The term in minutes. Default 43 200 (30 days). */
  duration?: number;
  /** The currency interest is paid in. Default: `ticker`. */
  interestTicker?: string;
  /**
   * Units of `ticker` per unit of `interestTicker`: the interest paid is the
   * interest in `ticker` divided by this, cut to the interest ticker's
   * decimals. Default `"1"`.
   */
  interestRatio?: string;
  /** The smallest investment. */
  minInvestment: string;
  /** The largest investment. */
  maxInvestment: string;
  /** What is left in the plan. Default: `maxInvestment`. */
  maxPossibleInvestment?: string;
  /** The interest the plan can still pay. Default: unlimited. */
  interestCapacity?: string;
  /** A special offer, not available through the API. Default `false`. */
  specialOffer?: boolean;
  /** Switched off by WhiteBIT. Default `false`. */
  disabled?: boolean;
}

/**
 * A plan as the sandbox holds it now: what Get plans shows, and what it keeps to itself.
 *
 * @example
 * ```ts
 * import { type SandboxPlanState, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const open: SandboxPlanState[] = sandbox.plans.filter((plan) =>
 *   plan.status === 1 && !plan.disabled && !plan.specialOffer
 * );
 * strictEqual(open.length, 2);
 * ```
 */
export interface SandboxPlanState extends FixedPlan {
  /** The interest the plan can still pay, or `null` for unlimited. */
  interestCapacity: string | null;
  /** A special offer, not available through the API. */
  specialOffer: boolean;
  /** Switched off by WhiteBIT. */
  disabled: boolean;
}

/**
 * One investment in the sandbox's ledger.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { type SandboxInvestment, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const { id } = await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * const [investment]: SandboxInvestment[] = sandbox.investments;
 * strictEqual(investment.id, id);
 * strictEqual(investment.amount, "100");
 * ```
 */
export interface SandboxInvestment {
  /** The investment id (a UUID). */
  id: string;
  /** The investing account's API key. */
  apiKey: string;
  /** The plan id. */
  planId: string;
  /** The invested currency. */
  ticker: string;
  /** The amount, as sent. */
  amount: string;
  /** 1 active, 2 closed (early, or at maturity). */
  status: 1 | 2;
  /** Creation time, Unix seconds. */
  created: number;
  /** Last change, Unix seconds. */
  updated: number;
  /** Maturity, Unix seconds: `created` plus the plan's duration. */
  paymentTime: number;
  /** The interest paid, `"0"` until maturity. */
  interestPaid: string;
  /** The nonce of the request that created it (0 for one of `pastInvestments`). */
  nonce: number;
}

/**
 * One interest payment in the sandbox's ledger.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { type SandboxInterestPayment, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * let now = Date.now();
 * const sandbox = new WhiteBitSandbox({ now: () => now });
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, now: () => now });
 * const plan = sandbox.plans[0];
 * await client.invest({ planId: plan.id, amount: "100" });
 * now += plan.duration * 60_000; // the term passes
 * const [payment]: SandboxInterestPayment[] = sandbox.interestPayments;
 * strictEqual(payment.apiKey, sandbox.credentials.apiKey);
 * strictEqual(payment.amount, "2.5");
 * ```
 */
export interface SandboxInterestPayment extends InterestPayment {
  /** The paid account's API key. */
  apiKey: string;
}

/**
 * One request that reached the sandbox.
 *
 * @example
 * ```ts
 * import { NetworkError, WhiteBitClient } from "@lending/whitebit";
 * import { type SandboxRequestRecord, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { rejects, strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * sandbox.injectFault({ kind: "drop", afterProcessing: true });
 * await rejects(client.invest({ planId: sandbox.plans[0].id, amount: "100" }), NetworkError);
 * const records: SandboxRequestRecord[] = sandbox.requests;
 * strictEqual(records.length, 1); // sent once, never retried
 * strictEqual(records[0].status, "dropped");
 * ```
 */
export interface SandboxRequestRecord {
  /** The HTTP method. */
  method: string;
  /** The URL path. */
  path: string;
  /** The nonce in the body, if there was one. */
  nonce: number | undefined;
  /** The status answered, or `"dropped"` when the connection was closed instead. */
  status: number | "dropped";
}

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

/**
 * An investment made and closed before the sandbox started (see
 * `pastInvestments`), such as one of thousands in a long history.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { type SandboxPastInvestment, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const planId = "8e667b4a-0b71-4988-8af5-9474dbfaeb51"; // the first demo plan
 * const pastInvestments: SandboxPastInvestment[] = Array.from({ length: 250 }, (_, i) => ({
 *   planId,
 *   amount: "10",
 *   created: 1_700_000_000 + i,
 * }));
 * const sandbox = new WhiteBitSandbox({ pastInvestments });
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const page = await client.investments({ offset: 200 });
 * strictEqual(page.records.length, 50);
 * strictEqual(page.records[0].created, 1_700_000_049); // newest first
 * strictEqual(sandbox.balance(sandbox.credentials.apiKey, "USDT"), "10000"); // untouched
 * ```
 */
export interface SandboxPastInvestment {
  /** The plan: one of the sandbox's plans. */
  planId: string;
  /** The amount, a decimal string. */
  amount: string;
  /** When it was made, in Unix seconds; it was closed at once (`updated` is the same). */
  created: number;
  /** The account's API key. Default: the first account's. */
  apiKey?: string;
  /** Its id. Default: a new one from `newId`. */
  id?: string;
}

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

/** The demo account's credentials: fake, and only valid in the sandbox. */
const DEMO_ACCOUNT: SandboxAccount = {
  apiKey: "sandbox-public-key-0001",
  apiSecret: "sandbox-secret-do-not-use-anywhere-else",
  balances: { USDT: "10000", BTC: "1" },
};

const DEMO_PLANS: SandboxPlan[] = [
  {
    id: "8e667b4a-0b71-4988-8af5-9474dbfaeb51",
    ticker: "USDT",
    percent: "2.5",
    duration: 43_200,
    minInvestment: "10",
    maxInvestment: "100000",
    maxPossibleInvestment: "500000",
  },
  {
    id: "3b0c1d42-5f7e-4a8b-9c6d-2e1f0a9b8c7d",
    ticker: "BTC",
    percent: "0.8",
    duration: 129_600,
    minInvestment: "0.001",
    maxInvestment: "10",
  },
  {
    id: "c5a2e8f1-7b3d-4c9e-8a6f-1d2b3c4e5f60",
    ticker: "USDT",
    status: 4,
    percent: "4",
    minInvestment: "100",
    maxInvestment: "50000",
  },
  {
    id: "f0e1d2c3-b4a5-4968-8776-655443322110",
    ticker: "USDT",
    percent: "12",
    minInvestment: "10",
    maxInvestment: "1000",
    specialOffer: true,
  },
];

const NONCE_WINDOW_MS = 5_000;
const MIN_AMOUNT = "0.000001";
const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const INTEGER = /^-?\d{1,15}$/;
const HEX_SIGNATURE = /^[0-9a-f]{128}$/;
const RATE_LIMIT_PAGE =
  "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>";

/** WhiteBIT's answers, as it sends them. */
const ANSWERS = {
  unauthorized: { code: 10, message: "Unauthorized request." },
  invalidPayload: { code: 9, message: "Invalid payload." },
  nonceReused: { code: 0, errors: {}, message: "Too many requests." },
  nonceWindow: {
    code: 0,
    message: "Your nonce is more than 5 seconds lesser than the current nonce.",
  },
  keyDisabled: {
    code: 2,
    message: "This action is unauthorized. Enable your key in API settings",
  },
  noLendingAccess: {
    code: 0,
    errors: {},
    message:
      "You don't have permission to use this endpoint. Please contact support for more details",
  },
} as const;

interface AccountState {
  apiKey: string;
  key: Promise<CryptoKey>;
  balances: Map<string, string>;
  lendingAccess: boolean;
  keyEnabled: boolean;
  multipleInvestments: boolean;
  lastNonce: number;
  windowNonces: Set<number>;
}

interface PendingFault {
  fault: SandboxFault;
  remaining: number;
  path: string | undefined;
  nonce: number | undefined;
}

type Env = {
  Variables: {
    account: AccountState;
    params: Record<string, unknown>;
    nonce: number;
  };
};
type PrivateContext = Context<Env>;

/** Marks the answer that stands for "close the connection without answering". */
const DROP = Symbol("drop");

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
  readonly #accounts = new Map<string, AccountState>();
  readonly #plans = new Map<string, SandboxPlanState>();
  readonly #investments: SandboxInvestment[] = [];
  readonly #payments: SandboxInterestPayment[] = [];
  readonly #requests: SandboxRequestRecord[] = [];
  readonly #faults: PendingFault[] = [];
  readonly #precision: Record<string, number>;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #rateLimit: number;
  readonly #rateLimitWindowMs: number;
  readonly #rateLog = new Map<string, number[]>();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #app: Hono<Env>;

  /**
   * Creates a sandbox with its own accounts, plans and ledger.
   *
   * @param options Accounts, plans, clock and limits; demo data by default.
   * @throws {TypeError} If no account is given, or a past investment is not in a sandbox plan and account.
   */
  constructor(options: WhiteBitSandboxOptions = {}) {
    const accounts = options.accounts ?? [DEMO_ACCOUNT];
    if (accounts.length === 0) {
      throw new TypeError(
        "Cannot create sandbox: it needs at least one account: current value is []",
      );
    }
    for (const account of accounts) {
      this.#accounts.set(account.apiKey, {
        apiKey: account.apiKey,
        key: crypto.subtle.importKey(
          "raw",
          new TextEncoder().encode(account.apiSecret),
          { name: "HMAC", hash: "SHA-512" },
          false,
          ["verify"],
        ),
        balances: new Map(Object.entries(account.balances ?? {})),
        lendingAccess: account.lendingAccess ?? true,
        keyEnabled: account.keyEnabled ?? true,
        multipleInvestments: account.multipleInvestments ?? false,
        lastNonce: 0,
        windowNonces: new Set(),
      });
    }
    for (const plan of options.plans ?? DEMO_PLANS) {
      this.#plans.set(plan.id, {
        id: plan.id,
        ticker: plan.ticker,
        status: plan.status ?? 1,
        percent: plan.percent ?? "1",
        duration: plan.duration ?? 43_200,
        interestTicker: plan.interestTicker ?? plan.ticker,
        interestRatio: plan.interestRatio ?? "1",
        minInvestment: plan.minInvestment,
        maxInvestment: plan.maxInvestment,
        maxPossibleInvestment: plan.maxPossibleInvestment ?? plan.maxInvestment,
        interestCapacity: plan.interestCapacity ?? null,
        specialOffer: plan.specialOffer ?? false,
        disabled: plan.disabled ?? false,
      });
    }
    this.credentials = {
      apiKey: accounts[0].apiKey,
      apiSecret: accounts[0].apiSecret,
    };
    this.#precision = options.precision ?? {};
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? (() => crypto.randomUUID());
    this.#rateLimit = options.rateLimit ?? 1000;
    this.#rateLimitWindowMs = options.rateLimitWindowMs ?? 10_000;
    // The ledger stays oldest first.
    const past = (options.pastInvestments ?? []).map((seed) => this.#pastInvestment(seed));
    for (const investment of past.sort((a, b) => a.created - b.created)) {
      this.#investments.push(investment);
    }
    this.#app = this.#routes();
  }

  /** The plans as they are now (copies). */
  get plans(): SandboxPlanState[] {
    return [...this.#plans.values()].map((plan) => ({ ...plan }));
  }

  /** Every investment made, oldest first (copies), matured up to the sandbox's clock. */
  get investments(): SandboxInvestment[] {
    this.#settle();
    return this.#investments.map((investment) => ({ ...investment }));
  }

  /** Every interest payment, in the order paid (copies), up to the sandbox's clock. */
  get interestPayments(): SandboxInterestPayment[] {
    this.#settle();
    return this.#payments.map((payment) => ({ ...payment }));
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
    return this.#accounts.get(apiKey)?.balances.get(ticker) ?? "0";
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
    this.#faults.push({
      fault,
      remaining: options.times ?? 1,
      path: options.path,
      nonce: options.nonce,
    });
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

  #handle(request: Request): Promise<Response | typeof DROP> {
    const task = this.#process(request);
    this.#inFlight.add(task);
    return task.finally(() => this.#inFlight.delete(task));
  }

  async #process(request: Request): Promise<Response | typeof DROP> {
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
    const fault = isPrivate ? this.#takeFault(path, record.nonce) : undefined;
    if (fault?.kind === "latency") {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    }
    let response: Response | typeof DROP;
    if (
      isPrivate && this.#rateLimited(request.headers.get("x-txc-apikey") ?? "")
    ) {
      response = new Response(RATE_LIMIT_PAGE, {
        status: 429,
        headers: { "content-type": "text/html" },
      });
    } else if (
      (fault?.kind === "respond" || fault?.kind === "drop") &&
      !fault.afterProcessing
    ) {
      response = fault.kind === "drop" ? DROP : faultResponse(fault);
    } else {
      response = await this.#app.fetch(
        new Request(request.url, {
          method: request.method,
          headers: request.headers,
          body: text || undefined,
        }),
      );
      if (fault?.kind === "respond") response = faultResponse(fault);
      if (fault?.kind === "drop") response = DROP;
    }
    record.status = response === DROP ? "dropped" : response.status;
    return response;
  }

  #takeFault(path: string, nonce: number | undefined): SandboxFault | undefined {
    const index = this.#faults.findIndex((pending) =>
      (pending.path === undefined || pending.path === path) &&
      (pending.nonce === undefined || pending.nonce === nonce)
    );
    if (index < 0) return undefined;
    const pending = this.#faults[index];
    if (--pending.remaining <= 0) this.#faults.splice(index, 1);
    return pending.fault;
  }

  #rateLimited(apiKey: string): boolean {
    const now = this.#now();
    let log = this.#rateLog.get(apiKey);
    if (!log) this.#rateLog.set(apiKey, log = []);
    while (log.length > 0 && log[0] <= now - this.#rateLimitWindowMs) {
      log.shift();
    }
    if (log.length >= this.#rateLimit) return true;
    log.push(now);
    return false;
  }

  #routes(): Hono<Env> {
    const app = new Hono<Env>();
    app.get(
      TIME_PATH,
      (c) => c.json({ time: Math.floor(this.#now() / 1000) }),
    );
    app.use(PRIVATE_PREFIX + "*", async (c, next) => {
      if (c.req.method !== "POST") return c.body(null, 404);
      const failure = await this.#authenticate(c);
      if (failure) return failure;
      this.#settle();
      await next();
    });
    app.post(PLANS_PATH, (c) => this.#listPlans(c));
    app.post(INVEST_PATH, (c) => this.#invest(c));
    app.post(INVESTMENTS_PATH, (c) => this.#listInvestments(c));
    app.post(CLOSE_PATH, (c) => this.#close(c));
    app.post(INTEREST_PATH, (c) => this.#listInterestPayments(c));
    app.notFound((c) => c.body(null, 404));
    return app;
  }

  /** WhiteBIT's checks, in its order: key and signature, payload, request, nonce, key state, lending access. */
  async #authenticate(c: PrivateContext): Promise<Response | undefined> {
    const account = this.#accounts.get(c.req.header("x-txc-apikey") ?? "");
    const payload = c.req.header("x-txc-payload") ?? "";
    const signature = c.req.header("x-txc-signature") ?? "";
    if (!account || !HEX_SIGNATURE.test(signature)) {
      return c.json(ANSWERS.unauthorized, 401);
    }
    const valid = await crypto.subtle.verify(
      "HMAC",
      await account.key,
      decodeHex(signature),
      new TextEncoder().encode(payload),
    );
    if (!valid) return c.json(ANSWERS.unauthorized, 401);
    const body = await c.req.text();
    if (decodeBase64Text(payload) !== body) {
      return c.json(ANSWERS.invalidPayload, 400);
    }
    let params: unknown;
    try {
      params = JSON.parse(body);
    } catch {
      return c.json(ANSWERS.invalidPayload, 400);
    }
    if (!isRecord(params) || params.request !== c.req.path) {
      return c.json(ANSWERS.invalidPayload, 400);
    }
    const nonce = typeof params.nonce === "string" && /^\d{1,16}$/.test(params.nonce)
      ? Number(params.nonce)
      : params.nonce;
    if (nonce === undefined || nonce === null || nonce === "") {
      return c.json(
        validationFailed({ nonce: ["The nonce field is required."] }),
        400,
      );
    }
    if (
      typeof nonce !== "number" || !Number.isSafeInteger(nonce) || nonce < 0
    ) {
      return c.json(
        validationFailed({ nonce: ["The nonce must be an integer."] }),
        400,
      );
    }
    const nonceFailure = this.#checkNonce(
      account,
      nonce,
      params.nonceWindow === true,
    );
    if (nonceFailure) {
      return c.json(
        nonceFailure,
        nonceFailure === ANSWERS.nonceReused ? 429 : 400,
      );
    }
    if (!account.keyEnabled) return c.json(ANSWERS.keyDisabled, 403);
    if (!account.lendingAccess) return c.json(ANSWERS.noLendingAccess, 403);
    c.set("account", account);
    c.set("params", params);
    c.set("nonce", nonce);
  }

  #checkNonce(
    account: AccountState,
    nonce: number,
    windowMode: boolean,
  ): object | undefined {
    if (windowMode) {
      const now = this.#now();
      if (Math.abs(nonce - now) > NONCE_WINDOW_MS) return ANSWERS.nonceWindow;
      if (account.windowNonces.has(nonce)) return ANSWERS.nonceReused;
      for (const seen of account.windowNonces) {
        if (seen < now - 2 * NONCE_WINDOW_MS) account.windowNonces.delete(seen);
        else break;
      }
      account.windowNonces.add(nonce);
    } else if (nonce <= account.lastNonce) {
      return ANSWERS.nonceReused;
    }
    account.lastNonce = Math.max(account.lastNonce, nonce);
  }

  #invest(c: PrivateContext): Response {
    const account = c.get("account");
    const params = c.get("params");
    const errors: Record<string, string[]> = {};
    const plan = typeof params.planId === "string" ? this.#plans.get(params.planId) : undefined;
    if (params.planId === undefined || params.planId === "") {
      errors.planId = ["The plan id field is required."];
    } else if (!plan) {
      errors.planId = ["The selected planId is invalid."];
    } else {
      const planError = planUnavailable(plan);
      if (planError) errors.planId = [planError];
    }
    const raw = typeof params.amount === "number" ? String(params.amount) : params.amount;
    let amount: string | undefined;
    if (raw === undefined || raw === null || raw === "") {
      errors.amount = ["The amount field is required."];
    } else if (typeof raw !== "string" || !NUMERIC.test(raw)) {
      errors.amount = ["The amount field must be a valid number"];
    } else if (!isDecimal(raw)) {
      errors.amount = ["Invalid decimal amount"];
    } else if (compareDecimal(raw, MIN_AMOUNT) < 0) {
      errors.amount = ["The amount must be at least 0.000001."];
    } else if (
      plan && decimalPlaces(raw) > (this.#precision[plan.ticker] ?? 8)
    ) {
      errors.amount = ["Invalid decimal amount"];
    } else if (
      plan && !errors.planId &&
      compareDecimal(raw, plan.maxPossibleInvestment) > 0
    ) {
      errors.amount = [
        "The amount you are trying to invest is bigger than the amount left in this SMART plan. Please try investing a smaller amount.",
      ];
    } else {
      amount = raw;
    }
    if (!plan || amount === undefined || Object.keys(errors).length > 0) {
      return c.json(validationFailed(errors), 400);
    }
    const balance = account.balances.get(plan.ticker) ?? "0";
    const interest = this.#interest(amount, plan);
    const inner = (code: number, message: string) =>
      c.json({
        code,
        message: "Inner validation failed",
        errors: { amount: [message] },
      }, 422);
    if (
      !account.multipleInvestments &&
      this.#investments.some((i) =>
        i.apiKey === account.apiKey && i.planId === plan.id && i.status === 1
      )
    ) {
      return inner(1, "The investment in this investment plan already exists");
    }
    if (compareDecimal(amount, plan.minInvestment) < 0) {
      return inner(2, "Amount is less than min investment");
    }
    if (compareDecimal(amount, plan.maxInvestment) > 0) {
      return inner(3, "Amount is more than max investment");
    }
    if (compareDecimal(balance, amount) < 0) {
      return inner(4, `Available ${balance} < ${amount}`);
    }
    if (
      plan.interestCapacity !== null &&
      compareDecimal(interest, plan.interestCapacity) > 0
    ) {
      return inner(5, "Not enough money to pay interest");
    }
    account.balances.set(plan.ticker, subtractDecimal(balance, amount));
    plan.maxPossibleInvestment = subtractDecimal(
      plan.maxPossibleInvestment,
      amount,
    );
    if (compareDecimal(plan.maxPossibleInvestment, "0") <= 0) plan.status = 2;
    if (plan.interestCapacity !== null) {
      plan.interestCapacity = subtractDecimal(plan.interestCapacity, interest);
    }
    const created = Math.floor(this.#now() / 1000);
    const investment: SandboxInvestment = {
      id: this.#newId(),
      apiKey: account.apiKey,
      planId: plan.id,
      ticker: plan.ticker,
      amount,
      status: 1,
      created,
      updated: created,
      paymentTime: created + plan.duration * 60,
      interestPaid: "0",
      nonce: c.get("nonce"),
    };
    this.#investments.push(investment);
    return c.json({ id: investment.id }, 201);
  }

  /** The ledger's record of an investment from `pastInvestments`, closed at once. */
  #pastInvestment(past: SandboxPastInvestment): SandboxInvestment {
    const plan = this.#plans.get(past.planId);
    const apiKey = past.apiKey ?? this.credentials.apiKey;
    if (
      !plan || !this.#accounts.has(apiKey) || !isDecimal(past.amount) ||
      !Number.isSafeInteger(past.created)
    ) {
      throw new TypeError(
        mustBe(
          "create sandbox",
          "a past investment",
          "in a sandbox plan and account, with a decimal amount and whole seconds",
          JSON.stringify(past),
        ),
      );
    }
    return {
      id: past.id ?? this.#newId(),
      apiKey,
      planId: plan.id,
      ticker: plan.ticker,
      amount: past.amount,
      status: 2,
      created: past.created,
      updated: past.created,
      paymentTime: past.created + plan.duration * 60,
      interestPaid: "0",
      nonce: 0,
    };
  }

  /** Plans open through the API: not disabled, no special offers, not inactive. */
  #listPlans(c: PrivateContext): Response {
    const params = c.get("params");
    const errors: Record<string, string[]> = {};
    this.#checkTicker(params.ticker, errors);
    if (Object.keys(errors).length > 0) return c.json(validationFailed(errors), 400);
    const plans = [...this.#plans.values()].filter((plan) =>
      !plan.disabled && !plan.specialOffer && plan.status !== 3 &&
      (isAbsent(params.ticker) || plan.ticker === params.ticker)
    );
    return c.json(plans.map(publicPlan));
  }

  /**
   * The account's investments, newest first by `created` (of two made in
   * the same second, the later one first), as WhiteBIT orders its histories:
   * `findInvestment()` relies on it to stop reading early.
   */
  #listInvestments(c: PrivateContext): Response {
    const account = c.get("account");
    const params = c.get("params");
    const errors: Record<string, string[]> = {};
    if (
      !isAbsent(params.id) &&
      !this.#investments.some((investment) => investment.id === params.id)
    ) {
      errors.id = ["The selected id is invalid."];
    }
    this.#checkTicker(params.ticker, errors);
    if (!isAbsent(params.status) && ![1, 2, "1", "2"].includes(params.status as number)) {
      errors.status = ["The selected status is invalid."];
    }
    const paging = readPaging(params, errors);
    if (!paging) return c.json(validationFailed(errors), 400);
    const records = this.#investments.filter((investment) =>
      investment.apiKey === account.apiKey &&
      (isAbsent(params.id) || investment.id === params.id) &&
      (isAbsent(params.ticker) || investment.ticker === params.ticker) &&
      (isAbsent(params.status) || investment.status === Number(params.status))
    ).reverse().sort((a, b) => b.created - a.created);
    return c.json(page(records, paging, (investment) => this.#publicInvestment(investment)));
  }

  /** Closes an active investment early: its amount goes back to the balance, no interest. */
  #close(c: PrivateContext): Response {
    const account = c.get("account");
    const { id } = c.get("params");
    if (isAbsent(id)) {
      return c.json(validationFailed({ id: ["The id field is required."] }), 400);
    }
    if (typeof id !== "string") {
      return c.json(validationFailed({ id: ["The id must be a string."] }), 400);
    }
    const investment = this.#investments.find((candidate) =>
      candidate.id === id && candidate.apiKey === account.apiKey
    );
    if (!investment) {
      return c.json(validationFailed({ id: ["Investment not found"] }), 400);
    }
    if (investment.status === 2) {
      return c.json({
        code: 0,
        message: "Inner validation failed",
        errors: { error: ["Investment is already closed"] },
      }, 422);
    }
    const plan = this.#plans.get(investment.planId)!;
    if (plan.interestCapacity !== null) {
      plan.interestCapacity = addDecimal(
        plan.interestCapacity,
        this.#interest(investment.amount, plan),
      );
    }
    this.#release(investment, Math.floor(this.#now() / 1000));
    return c.json({});
  }

  /** The account's interest payments, newest first. */
  #listInterestPayments(c: PrivateContext): Response {
    const account = c.get("account");
    const params = c.get("params");
    const errors: Record<string, string[]> = {};
    if (
      !isAbsent(params.planId) &&
      (typeof params.planId !== "string" || !this.#plans.has(params.planId))
    ) {
      errors.planId = ["The selected planId is invalid."];
    }
    this.#checkTicker(params.ticker, errors);
    const paging = readPaging(params, errors);
    if (!paging) return c.json(validationFailed(errors), 400);
    const records = this.#payments.filter((payment) =>
      payment.apiKey === account.apiKey &&
      (isAbsent(params.planId) || payment.planId === params.planId) &&
      (isAbsent(params.ticker) || payment.ticker === params.ticker)
    ).reverse().sort((a, b) => b.timestamp - a.timestamp);
    return c.json(page(records, paging, ({ apiKey: _, ...payment }) => payment));
  }

  /** Adds "The selected ticker is invalid." unless `ticker` is absent or a ticker the sandbox knows. */
  #checkTicker(ticker: unknown, errors: Record<string, string[]>): void {
    if (isAbsent(ticker)) return;
    const known = new Set(Object.keys(this.#precision));
    for (const plan of this.#plans.values()) known.add(plan.ticker).add(plan.interestTicker);
    for (const account of this.#accounts.values()) {
      for (const held of account.balances.keys()) known.add(held);
    }
    if (typeof ticker !== "string" || !known.has(ticker)) {
      errors.ticker = ["The selected ticker is invalid."];
    }
  }

  #publicInvestment(investment: SandboxInvestment): Investment {
    return {
      id: investment.id,
      plan: publicPlan(this.#plans.get(investment.planId)!),
      status: investment.status,
      created: investment.created,
      updated: investment.updated,
      paymentTime: investment.paymentTime,
      amount: investment.amount,
      interestPaid: investment.interestPaid,
    };
  }

  /**
   * The interest of `amount` over the plan's term, in the interest ticker:
   * `amount × percent / 100 / interestRatio`, cut to that ticker's decimals.
   */
  #interest(amount: string, plan: SandboxPlanState): string {
    return divideDecimal(
      multiplyDecimal(amount, plan.percent),
      multiplyDecimal("100", plan.interestRatio),
      { scale: this.#precision[plan.interestTicker] ?? 8 },
    );
  }

  /** Pays every investment whose term has passed on the sandbox's clock. */
  #settle(): void {
    const now = Math.floor(this.#now() / 1000);
    for (const investment of this.#investments) {
      if (investment.status !== 1 || investment.paymentTime > now) continue;
      const plan = this.#plans.get(investment.planId)!;
      const account = this.#accounts.get(investment.apiKey)!;
      const interest = this.#interest(investment.amount, plan);
      const held = account.balances.get(plan.interestTicker) ?? "0";
      account.balances.set(plan.interestTicker, addDecimal(held, interest));
      investment.interestPaid = interest;
      this.#payments.push({
        apiKey: account.apiKey,
        planId: plan.id,
        investmentId: investment.id,
        amount: interest,
        ticker: plan.interestTicker,
        timestamp: investment.paymentTime,
      });
      this.#release(investment, investment.paymentTime);
    }
  }

  /** Closes an investment: its amount goes back to the balance and to the plan. */
  #release(investment: SandboxInvestment, time: number): void {
    const plan = this.#plans.get(investment.planId)!;
    const account = this.#accounts.get(investment.apiKey)!;
    const held = account.balances.get(plan.ticker) ?? "0";
    account.balances.set(plan.ticker, addDecimal(held, investment.amount));
    plan.maxPossibleInvestment = addDecimal(plan.maxPossibleInvestment, investment.amount);
    if (plan.status === 2) plan.status = 1;
    investment.status = 2;
    investment.updated = time;
  }
}

function publicPlan(plan: SandboxPlanState): FixedPlan {
  return {
    id: plan.id,
    ticker: plan.ticker,
    status: plan.status,
    percent: plan.percent,
    duration: plan.duration,
    interestTicker: plan.interestTicker,
    interestRatio: plan.interestRatio,
    minInvestment: plan.minInvestment,
    maxInvestment: plan.maxInvestment,
    maxPossibleInvestment: plan.maxPossibleInvestment,
  };
}

/** Laravel's reading of an optional field: `undefined`, `null` and `""` are absent. */
function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/**
 * Reads `limit` (1–100, default 100) and `offset` (0–10 000, default 0) as
 * WhiteBIT's validator does, adding messages to `errors`; `undefined` if
 * there are any errors at all.
 */
function readPaging(
  params: Record<string, unknown>,
  errors: Record<string, string[]>,
): { limit: number; offset: number } | undefined {
  const read = (name: string, fallback: number, min: number, max: number) => {
    const value = params[name];
    if (isAbsent(value)) return fallback;
    const text = typeof value === "number" ? String(value) : value;
    if (typeof text !== "string" || !INTEGER.test(text)) {
      errors[name] = [`The ${name} must be an integer.`];
    } else if (Number(text) < min) {
      errors[name] = [`The ${name} must be at least ${min}.`];
    } else if (Number(text) > max) {
      errors[name] = [`The ${name} must not be greater than ${max}.`];
    }
    return Number(text);
  };
  const limit = read("limit", MAX_LIMIT, 1, MAX_LIMIT);
  const offset = read("offset", 0, 0, MAX_OFFSET);
  return Object.keys(errors).length > 0 ? undefined : { limit, offset };
}

function page<T, R>(
  records: T[],
  paging: { limit: number; offset: number },
  show: (record: T) => R,
): { offset: number; limit: number; records: R[] } {
  return {
    offset: paging.offset,
    limit: paging.limit,
    records: records.slice(paging.offset, paging.offset + paging.limit).map(show),
  };
}

function planUnavailable(plan: SandboxPlanState): string | undefined {
  if (plan.disabled) return "Plan is disabled";
  if (plan.specialOffer) return "Special offers are not available via API";
  switch (plan.status) {
    case 2:
      return "There are no coins left in the plan";
    case 3:
      return "Plan is inactive";
    case 4:
      return "Plan is paused";
  }
}

function validationFailed(errors: Record<string, string[]>): object {
  return { code: 0, message: "Validation failed", errors };
}

function faultResponse(
  fault: { status: number; body?: string; contentType?: string },
): Response {
  return new Response(fault.body ?? "", {
    status: fault.status,
    headers: { "content-type": fault.contentType ?? "text/plain" },
  });
}

function decimalPlaces(value: string): number {
  const point = value.indexOf(".");
  return point < 0 ? 0 : value.length - point - 1;
}

function nonceOf(text: string): number | undefined {
  const match = /"nonce"\s*:\s*"?(\d{1,16})/.exec(text);
  return match ? Number(match[1]) : undefined;
}

function decodeHex(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  }
  return bytes;
}

function decodeBase64Text(base64: string): string | undefined {
  try {
    const binary = atob(base64);
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
