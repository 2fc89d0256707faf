/**
 * WhiteBIT's checks of a private request, in its order: the API key and the
 * HMAC-SHA512 signature of the payload, the body against the payload, the
 * `request` field against the path, the nonce (rising in the default mode;
 * within ±5 s and unique in window mode), then the key's state and the
 * account's lending access (the B2B gate). Apart from these, a per-key rate
 * limit over a sliding window, as WhiteBIT's gateway applies before any.
 *
 * It reads plain strings (the headers' values, the body and the path), not
 * HTTP requests, and answers with WhiteBIT's own refusals.
 *
 * @example
 * ```ts
 * import { Authenticator } from "./_auth.ts";
 * import { signBody, importApiSecret } from "../client/sign.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const now = () => 1_700_000_000_000;
 * const auth = new Authenticator({ accounts: [{ apiKey: "key", apiSecret: "secret" }], now });
 * const path = "/api/v4/main-account/smart/plans";
 * const body = JSON.stringify({ request: path, nonce: now() });
 * const { payload, signature } = await signBody(await importApiSecret("secret"), body);
 * const signed = { apiKey: "key", payload, signature, body, path };
 * const passed = await auth.authenticate(signed);
 * strictEqual("apiKey" in passed && passed.nonce, now());
 * deepStrictEqual(await auth.authenticate(signed), {
 *   status: 429,
 *   body: { code: 0, errors: {}, message: "Too many requests." },
 * }); // the same nonce again
 * ```
 *
 * @module
 */

import { isRecord } from "../client/_validate.ts";
import { type Answer, ANSWERS, MESSAGES, validationFailed } from "./_answers.ts";
import type { SandboxAccount } from "./types.ts";

/** How far a window-mode nonce may be from the clock. */
const NONCE_WINDOW_MS = 5_000;
const HEX_SIGNATURE = /^[0-9a-f]{128}$/;
const NONCE_TEXT = /^\d{1,16}$/;

/**
 * Options of {@linkcode Authenticator}.
 *
 * @example
 * ```ts
 * import { Authenticator, type AuthenticatorOptions } from "./_auth.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const options: AuthenticatorOptions = {
 *   accounts: [{ apiKey: "key", apiSecret: "secret" }],
 *   now: () => 0,
 *   rateLimit: 1,
 * };
 * const auth = new Authenticator(options);
 * strictEqual(auth.rateLimited("key"), false);
 * strictEqual(auth.rateLimited("key"), true);
 * ```
 */
export interface AuthenticatorOptions {
  /** The accounts: their keys, secrets, `keyEnabled` and `lendingAccess` count here. */
  accounts: readonly Readonly<SandboxAccount>[];
  /** The clock, in Unix milliseconds: the nonce window and the rate limit's window. */
  now: () => number;
  /** Requests per window per API key. Default 1000. */
  rateLimit?: number;
  /** The rate limit's window in milliseconds. Default 10 000. */
  rateLimitWindowMs?: number;
}

/** What a private request carries for WhiteBIT's checks. */
export interface SignedRequest {
  /** The `X-TXC-APIKEY` header. */
  apiKey: string;
  /** The `X-TXC-PAYLOAD` header: the body in base64. */
  payload: string;
  /** The `X-TXC-SIGNATURE` header: hex HMAC-SHA512 of the payload. */
  signature: string;
  /** The body as sent. */
  body: string;
  /** The URL's path. */
  path: string;
}

/** A request that passed: whose it is, its parameters and its nonce. */
export interface Authenticated {
  /** The account's API key. */
  apiKey: string;
  /** The body's fields, `request` and `nonce` among them. */
  params: Record<string, unknown>;
  /** The nonce, a whole number. */
  nonce: number;
}

/** An account as the checks see it. */
interface KeyState {
  key: Promise<CryptoKey>;
  keyEnabled: boolean;
  lendingAccess: boolean;
  /** The highest nonce accepted so far, in either mode. */
  lastNonce: number;
  /** The window-mode nonces accepted recently, in the order accepted. */
  windowNonces: Set<number>;
}

/**
 * Checks signatures, payloads and nonces as WhiteBIT does, and counts each
 * key's requests against its rate limit.
 *
 * @example A request without a valid signature is refused first, whatever else is wrong
 * ```ts
 * import { Authenticator } from "./_auth.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const auth = new Authenticator({
 *   accounts: [{ apiKey: "key", apiSecret: "secret", keyEnabled: false }],
 *   now: Date.now,
 * });
 * const unsigned = { apiKey: "key", payload: "", signature: "", body: "", path: "/" };
 * const refused = await auth.authenticate(unsigned);
 * strictEqual("status" in refused && refused.status, 401);
 * ```
 */
export class Authenticator {
  readonly #keys = new Map<string, KeyState>();
  readonly #now: () => number;
  readonly #rateLimit: number;
  readonly #rateLimitWindowMs: number;
  readonly #rateLog = new Map<string, number[]>();

  /**
   * Imports each account's secret as an HMAC key.
   *
   * @param options Accounts, clock and rate limit.
   */
  constructor(options: AuthenticatorOptions) {
    for (const account of options.accounts) {
      this.#keys.set(account.apiKey, {
        key: crypto.subtle.importKey(
          "raw",
          new TextEncoder().encode(account.apiSecret),
          { name: "HMAC", hash: "SHA-512" },
          false,
          ["verify"],
        ),
        keyEnabled: account.keyEnabled ?? true,
        lendingAccess: account.lendingAccess ?? true,
        lastNonce: 0,
        windowNonces: new Set(),
      });
    }
    this.#now = options.now;
    this.#rateLimit = options.rateLimit ?? 1000;
    this.#rateLimitWindowMs = options.rateLimitWindowMs ?? 10_000;
  }

  /**
   * Counts a request of this key, and tells whether it is over the limit:
   * one that is over is not counted.
   *
   * @param apiKey The `X-TXC-APIKEY` header, whether or not an account has it.
   * @returns `true` if the key has used up its window.
   */
  rateLimited(apiKey: string): boolean {
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

  /**
   * Runs WhiteBIT's checks in its order. A request that passes uses up its
   * nonce; one refused before the nonce check leaves the nonce unused.
   *
   * @param request The headers' values, the body and the path.
   * @returns The account, parameters and nonce, or WhiteBIT's refusal.
   */
  async authenticate(request: SignedRequest): Promise<Authenticated | Answer> {
    const state = this.#keys.get(request.apiKey);
    if (!state || !HEX_SIGNATURE.test(request.signature)) return ANSWERS.unauthorized;
    const valid = await crypto.subtle.verify(
      "HMAC",
      await state.key,
      decodeHex(request.signature),
      new TextEncoder().encode(request.payload),
    );
    if (!valid) return ANSWERS.unauthorized;
    if (decodeBase64Text(request.payload) !== request.body) return ANSWERS.invalidPayload;
    let params: unknown;
    try {
      params = JSON.parse(request.body);
    } catch {
      return ANSWERS.invalidPayload;
    }
    if (!isRecord(params) || params.request !== request.path) return ANSWERS.invalidPayload;
    const nonce = typeof params.nonce === "string" && NONCE_TEXT.test(params.nonce)
      ? Number(params.nonce)
      : params.nonce;
    if (nonce === undefined || nonce === null || nonce === "") {
      return validationFailed({ nonce: [MESSAGES.required("nonce")] });
    }
    if (typeof nonce !== "number" || !Number.isSafeInteger(nonce) || nonce < 0) {
      return validationFailed({ nonce: [MESSAGES.integer("nonce")] });
    }
    const nonceRefusal = this.#useNonce(state, nonce, params.nonceWindow === true);
    if (nonceRefusal) return nonceRefusal;
    if (!state.keyEnabled) return ANSWERS.keyDisabled;
    if (!state.lendingAccess) return ANSWERS.noLendingAccess;
    return { apiKey: request.apiKey, params, nonce };
  }

  /**
   * Accepts a nonce, or refuses it: in the default mode it must be above
   * every nonce accepted so far; in window mode within ±5 s of the clock
   * and not seen in the last 10 s.
   */
  #useNonce(state: KeyState, nonce: number, windowMode: boolean): Answer | undefined {
    if (windowMode) {
      const now = this.#now();
      if (Math.abs(nonce - now) > NONCE_WINDOW_MS) return ANSWERS.nonceWindow;
      if (state.windowNonces.has(nonce)) return ANSWERS.nonceReused;
      for (const seen of state.windowNonces) {
        if (seen < now - 2 * NONCE_WINDOW_MS) state.windowNonces.delete(seen);
        else break;
      }
      state.windowNonces.add(nonce);
    } else if (nonce <= state.lastNonce) {
      return ANSWERS.nonceReused;
    }
    state.lastNonce = Math.max(state.lastNonce, nonce);
  }
}

function decodeHex(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  }
  return bytes;
}

/** The UTF-8 text a base64 string encodes, or `undefined` if it is not valid base64 of UTF-8. */
function decodeBase64Text(base64: string): string | undefined {
  try {
    const binary = atob(base64);
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
