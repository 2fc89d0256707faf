/**
 * What the tests share: a sandbox account and plans, one `setup()` that
 * builds a sandbox and a client on it (with the bodies the client sent), and
 * a clock a test can move. Each test passes only what differs.
 *
 * @module
 */

import { WhiteBitClient } from "../client.ts";
import type { WhiteBitClientOptions } from "../client/options.ts";
import {
  type SandboxAccount,
  type SandboxPlan,
  WhiteBitSandbox,
  type WhiteBitSandboxOptions,
} from "../testing.ts";

/** WhiteBIT's API paths, as the sandbox records them. */
export const PATHS = {
  plans: "/api/v4/main-account/smart/plans",
  invest: "/api/v4/main-account/smart/investment",
  close: "/api/v4/main-account/smart/investment/close",
  investments: "/api/v4/main-account/smart/investments",
  interest: "/api/v4/main-account/smart/interest-payment-history",
  time: "/api/v4/public/time",
} as const;

/** A fixed moment (2027-01-15) for tests that move the clock themselves. */
export const T0 = 1_800_000_000_000;

/** An account with room for many investments in one plan. */
export const ACCOUNT: SandboxAccount = {
  apiKey: "test-key-7f3a9b2c",
  apiSecret: "test-secret-0d1e2f3a4b5c",
  balances: { USDT: "1000000", BTC: "2" },
  multipleInvestments: true,
};

/** A wide USDT plan: 1 to 100 000, 10 % over the default term. */
export const PLAN: SandboxPlan = {
  id: "plan-usdt",
  ticker: "USDT",
  percent: "10",
  minInvestment: "1",
  maxInvestment: "100000",
  maxPossibleInvestment: "10000000",
};

/** What {@linkcode setup} takes: the sandbox's and the client's options that differ. */
export interface SetupOptions extends Omit<WhiteBitSandboxOptions, "accounts"> {
  /** Changes to {@linkcode ACCOUNT}. */
  account?: Partial<SandboxAccount>;
  /** The clock of both sides (`now` of the sandbox and the client); default the real one. */
  now?: () => number;
  /** The client's options that differ (`fetch` wraps the sandbox's). */
  client?: Partial<WhiteBitClientOptions>;
}

/** A sandbox with {@linkcode ACCOUNT} and {@linkcode PLAN}, and a client on it. */
export function setup(options: SetupOptions = {}): {
  sandbox: WhiteBitSandbox;
  client: WhiteBitClient;
  planId: string;
  /** Every body the client sent, parsed. */
  sent: Record<string, unknown>[];
} {
  const { account, now, client: clientOptions = {}, ...sandboxOptions } = options;
  const sandbox = new WhiteBitSandbox({
    plans: [PLAN],
    precision: { USDT: 6 },
    ...sandboxOptions,
    accounts: [{ ...ACCOUNT, ...account }],
    now,
  });
  const sent: Record<string, unknown>[] = [];
  const send = clientOptions.fetch ?? sandbox.fetch;
  const client = new WhiteBitClient({
    ...sandbox.credentials,
    now,
    retryDelayMs: 5,
    ...clientOptions,
    fetch: async (input, init) => {
      if (typeof init.body === "string") sent.push(JSON.parse(init.body));
      else if (init.body instanceof Blob) sent.push(JSON.parse(await init.body.text()));
      return await send(input, init);
    },
  });
  return { sandbox, client, planId: sandbox.plans[0].id, sent };
}

/** WhiteBIT's flex-lending paths, as the sandbox records them. */
export const FLEX_PATHS = {
  plans: "/api/v4/main-account/smart-flex/plans",
  investments: "/api/v4/main-account/smart-flex/investments",
  history: "/api/v4/main-account/smart-flex/investments/history",
  payments: "/api/v4/main-account/smart-flex/investments/payment-history",
  invest: "/api/v4/main-account/smart-flex/investments/invest",
  withdraw: "/api/v4/main-account/smart-flex/investments/withdraw",
  close: "/api/v4/main-account/smart-flex/investments/close",
  autoInvest: "/api/v4/main-account/smart-flex/investments/auto-invest",
} as const;

/** A request as a fake WhiteBIT saw it: the path, the parsed body and how it was sent. */
export interface SeenRequest {
  path: string;
  body: Record<string, unknown>;
  /** Whether the body was a `Blob` (never replayed by Deno's fetch) rather than text. */
  blob: boolean;
}

/**
 * A client on a fake WhiteBIT that answers every request with `answer`
 * (a `Response`; a rejection is a failure without one; a promise that never
 * settles waits for the client's timeout), and every request it
 * saw. For answers the sandbox does not give: the spec's examples, hostile
 * bodies, faults.
 */
export function fakeWhiteBit(
  answer: (request: SeenRequest) => Response | Promise<Response>,
  clientOptions: Partial<WhiteBitClientOptions> = {},
): { client: WhiteBitClient; seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const client = new WhiteBitClient({
    apiKey: "fake-key",
    apiSecret: "fake-secret",
    retryDelayMs: 1,
    ...clientOptions,
    fetch: async (input, init) => {
      const request = {
        path: new URL(String(input)).pathname,
        body: JSON.parse(await new Response(init.body).text()),
        blob: init.body instanceof Blob,
      };
      seen.push(request);
      // As a real fetch: an aborted signal (the client's timeout) ends the wait.
      const { signal } = init;
      return await new Promise<Response>((resolve, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        Promise.resolve(request).then(answer).then(resolve, reject);
      });
    },
  });
  return { client, seen };
}

/** A JSON answer. */
export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}
