/**
 * Loads ccxt's WhiteBIT (the reference, installed only in `bench/` by
 * `cd bench && npm ci`) and points it at a local sandbox.
 *
 * ccxt is imported by a computed specifier, so that `deno check` of the
 * project does not need it installed; the little of it the benchmarks use is
 * typed here.
 *
 * @example
 * ```ts ignore
 * import { ccxtWhitebit } from "./_ccxt.ts";
 *
 * const exchange = await ccxtWhitebit({ url: "http://127.0.0.1:8080", apiKey: "k", apiSecret: "s" });
 * await exchange.v4PrivatePostMainAccountSmartInvestment({ planId: "p", amount: "1" });
 * ```
 *
 * @module
 */

/** A request as ccxt's `sign()` builds it. */
export interface CcxtSignedRequest {
  /** The full URL. */
  url: string;
  /** The HTTP method. */
  method: string;
  /** The JSON body. */
  body: string;
  /** The headers, with `X-TXC-PAYLOAD` and `X-TXC-SIGNATURE`. */
  headers: Record<string, string>;
}

/** The part of ccxt's `whitebit` class the benchmarks use. */
export interface CcxtWhitebit {
  /** The API base URLs: `urls.api.v4.private` is where private calls go. */
  urls: { api: Record<string, Record<string, string>> };
  /** Milliseconds since the epoch, as ccxt sends nonces. */
  nonce(): number;
  /** Builds and signs one request (synchronous; pure-JS SHA-512 inside ccxt). */
  sign(
    path: string,
    api: string[],
    method: string,
    params: Record<string, unknown>,
  ): CcxtSignedRequest;
  /** ccxt's implicit method for `POST /api/v4/main-account/smart/investment`. */
  v4PrivatePostMainAccountSmartInvestment(
    params: Record<string, unknown>,
  ): Promise<unknown>;
}

/** What the `ccxt` package exports that the benchmarks use. */
interface CcxtModule {
  version: string;
  whitebit: new (config: Record<string, unknown>) => CcxtWhitebit;
}

const CCXT_SPECIFIER = "ccxt";

/**
 * Imports the `ccxt` package from `bench/node_modules`.
 *
 * @returns The module.
 * @throws {Error} If it is not installed.
 */
export async function importCcxt(): Promise<CcxtModule> {
  try {
    const module = await import(CCXT_SPECIFIER) as { default: CcxtModule };
    return module.default;
  } catch (cause) {
    throw new Error("Cannot load ccxt: run `cd bench && npm ci` first", {
      cause,
    });
  }
}

/** Where and as whom ccxt talks. */
export interface CcxtTarget {
  /** The sandbox, `http://127.0.0.1:<port>`. */
  url: string;
  /** The API key. */
  apiKey: string;
  /** The API secret. */
  apiSecret: string;
}

/**
 * A ccxt WhiteBIT pointed at the sandbox, configured like our client: nonce
 * window mode, no client-side rate limit (the benchmark decides the load),
 * and nonces that never repeat (ccxt's own are the millisecond clock, which
 * repeats when two requests leave in one millisecond).
 *
 * @param target The sandbox URL and credentials.
 * @returns The configured exchange.
 */
export async function ccxtWhitebit(target: CcxtTarget): Promise<CcxtWhitebit> {
  const ccxt = await importCcxt();
  const exchange = new ccxt.whitebit({
    apiKey: target.apiKey,
    secret: target.apiSecret,
    enableRateLimit: false,
    options: { nonceWindow: true },
  });
  // The same two URLs ccxt's whitebit.js defines, moved to the sandbox.
  exchange.urls.api.v4.public = `${target.url}/api/v4/public`;
  exchange.urls.api.v4.private = `${target.url}/api/v4`;
  let last = 0;
  exchange.nonce = () => last = Math.max(Date.now(), last + 1);
  return exchange;
}
