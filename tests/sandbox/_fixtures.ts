/**
 * Shared fixtures of the sandbox's tests: one account and one plan, a clock
 * a test moves by hand, a ledger and a sandbox on it, and helpers that sign
 * and send a private request the way WhiteBIT's clients do.
 *
 * @module
 */

import { importApiSecret, signBody } from "../../sign.ts";
import type { SignedRequest } from "../../sandbox/_auth.ts";
import { Ledger, type LedgerOptions } from "../../sandbox/_ledger.ts";
import { WhiteBitSandbox, type WhiteBitSandboxOptions } from "../../testing.ts";
import type { SandboxAccount, SandboxPlan } from "../../testing.ts";

export const KEY = "sandbox-test-key";
export const SECRET = "sandbox-test-secret";
/** The fixed time of most tests, in Unix milliseconds. */
export const T = 1_800_000_000_000;

export const TIME = "/api/v4/public/time";
export const PLANS = "/api/v4/main-account/smart/plans";
export const INVEST = "/api/v4/main-account/smart/investment";
export const INVESTMENTS = "/api/v4/main-account/smart/investments";
export const CLOSE = "/api/v4/main-account/smart/investment/close";
export const INTEREST = "/api/v4/main-account/smart/interest-payment-history";

/** The account of the tests: 1000 USDT, several investments per plan allowed. */
export const ACCOUNT: SandboxAccount = {
  apiKey: KEY,
  apiSecret: SECRET,
  balances: { USDT: "1000" },
  multipleInvestments: true,
};

/** The plan of the tests: USDT, 1 % over 30 days, from 1 to 500. */
export const PLAN: SandboxPlan = {
  id: "p1",
  ticker: "USDT",
  minInvestment: "1",
  maxInvestment: "500",
};

/** A clock a test moves by hand. */
export interface Clock {
  /** Reads it, in Unix milliseconds. */
  now: () => number;
  /** Sets it. */
  set: (ms: number) => void;
}

/** A clock at `start` (default {@linkcode T}) that moves only when set. */
export function clock(start: number = T): Clock {
  let now = start;
  return { now: () => now, set: (ms) => void (now = ms) };
}

/**
 * A ledger with {@linkcode ACCOUNT} and {@linkcode PLAN} unless the options
 * say otherwise, numbering its investments `i1`, `i2`, … in order.
 */
export function ledgerAt(now: () => number, options: Partial<LedgerOptions> = {}): Ledger {
  let made = 0;
  return new Ledger({
    accounts: [ACCOUNT],
    plans: [PLAN],
    now,
    newId: () => `i${++made}`,
    ...options,
  });
}

/** A sandbox with {@linkcode ACCOUNT} and {@linkcode PLAN} at a fixed time, unless the options say otherwise. */
export function sandboxAt(now: number, options: WhiteBitSandboxOptions = {}): WhiteBitSandbox {
  return new WhiteBitSandbox({ accounts: [ACCOUNT], plans: [PLAN], now: () => now, ...options });
}

/** The body of an invest in {@linkcode PLAN}, 10 USDT unless `extra` says otherwise. */
export function investBody(nonce: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ request: INVEST, nonce, planId: PLAN.id, amount: "10", ...extra });
}

/** What `options` may change in a signed request. */
export interface SignOptions {
  /** The path. Default {@linkcode INVEST}. */
  path?: string;
  /** The key sent. Default {@linkcode KEY}. */
  apiKey?: string;
  /** The secret signed with. Default {@linkcode SECRET}. */
  secret?: string;
  /** The payload header, instead of the body's base64. */
  payload?: string;
}

/** A body signed as WhiteBIT's clients sign it, as the sandbox's checks read it. */
export async function signed(body: string, options: SignOptions = {}): Promise<SignedRequest> {
  const { payload, signature } = await signBody(
    await importApiSecret(options.secret ?? SECRET),
    body,
  );
  return {
    apiKey: options.apiKey ?? KEY,
    payload: options.payload ?? payload,
    signature,
    body,
    path: options.path ?? INVEST,
  };
}

/** Posts a signed request to the sandbox in process; extra headers override the signed ones. */
export function post(
  sandbox: WhiteBitSandbox,
  request: SignedRequest,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  return sandbox.fetch(`https://whitebit.com${request.path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-txc-apikey": request.apiKey,
      "x-txc-payload": request.payload,
      "x-txc-signature": request.signature,
      ...init.headers,
    },
    body: request.body,
    signal: init.signal,
  });
}

/**
 * Signs `body` and posts it to the sandbox in process. Answers the status
 * and the JSON body (`null` when empty).
 */
export async function send(
  sandbox: WhiteBitSandbox,
  body: string,
  options: SignOptions & { headers?: Record<string, string> } = {},
) {
  const response = await post(sandbox, await signed(body, options), options);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Calls a private endpoint with `params`, signed with `nonce`. */
export function call(
  sandbox: WhiteBitSandbox,
  path: string,
  nonce: number,
  params: Record<string, unknown> = {},
) {
  return send(sandbox, JSON.stringify({ request: path, nonce, ...params }), { path });
}

/** WhiteBIT's 400 "Validation failed" with these field errors. */
export function failed(errors: Record<string, string[]>, status = 400) {
  return { status, body: { code: 0, message: "Validation failed", errors } };
}
