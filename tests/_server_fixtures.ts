/**
 * What the server's tests share: one sandbox account and plan, an app on
 * it with helpers to call it, the idempotency stores to run each test
 * against, and `deno serve server.ts` as a real process.
 *
 * @module
 */

import { ok, strictEqual } from "node:assert/strict";
import {
  type AccessLogEntry,
  createApp,
  type CreateAppOptions,
  DenoKvIdempotencyStore,
  type IdempotencyStore,
  MemoryIdempotencyStore,
  type Problem,
} from "../server.ts";
import {
  type SandboxAccount,
  type SandboxPlan,
  WhiteBitSandbox,
  type WhiteBitSandboxOptions,
} from "../testing.ts";
import type { FetchLike, WhiteBitClientOptions } from "../client/options.ts";
import { RateLimiter } from "../client/rate_limiter.ts";

export const TOKENS = ["token-one-4b1f", "token-two-9c2e"];
export const ACCOUNT: SandboxAccount = {
  apiKey: "server-test-key-31d7",
  apiSecret: "server-test-secret-a8e0",
  balances: { USDT: "1000" },
  multipleInvestments: true,
};
export const PLAN: SandboxPlan = {
  id: "plan-1",
  ticker: "USDT",
  minInvestment: "1",
  maxInvestment: "500",
};

/** What {@linkcode setup} may change. */
export interface SetupOptions {
  app?: Partial<CreateAppOptions>;
  account?: Partial<SandboxAccount>;
  client?: Partial<WhiteBitClientOptions>;
  sandbox?: Partial<WhiteBitSandboxOptions>;
  /** Wraps the sandbox's `fetch`, the client's transport. */
  wrapFetch?: (fetch: FetchLike) => FetchLike;
}

/** A request to the app: a token (`null` for none) and a JSON body. */
export type CallInit = RequestInit & { token?: string | null; json?: unknown };

/** A sandbox with one account and plan, and an app in process on it. */
export function setup(options: SetupOptions = {}) {
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...ACCOUNT, ...options.account }],
    plans: [PLAN],
    ...options.sandbox,
  });
  const logs: AccessLogEntry[] = [];
  const app = createApp({
    client: {
      ...sandbox.credentials,
      fetch: options.wrapFetch?.(sandbox.fetch) ?? sandbox.fetch,
      retryDelayMs: 1,
      ...options.client,
    },
    tokens: TOKENS,
    log: (entry) => logs.push(entry),
    ...options.app,
  });
  const call = async (path: string, init: CallInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    const token = init.token === undefined ? TOKENS[0] : init.token;
    if (token !== null) headers.set("authorization", `Bearer ${token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    return await app.fetch(new Request(`http://localhost${path}`, { ...init, headers, body }));
  };
  const invest = (json: unknown, headers: HeadersInit = {}, init: CallInit = {}) =>
    call("/v1/investments", { method: "POST", json, headers, ...init });
  return { sandbox, app, logs, call, invest };
}

/**
 * A transport that holds the `nth` request (1-based) until `open()`: the
 * request has left the client, WhiteBIT has not seen it yet. `held`
 * resolves once it is held.
 */
export function holding(nth = 1) {
  let count = 0;
  let open!: () => void;
  let arrived!: () => void;
  const opened = new Promise<void>((resolve) => open = resolve);
  const held = new Promise<void>((resolve) => arrived = resolve);
  const wrap = (fetch: FetchLike): FetchLike => async (input, init) => {
    if (++count === nth) {
      arrived();
      await opened;
    }
    return await fetch(input, init);
  };
  return { wrap, held, open };
}

/** A rate limiter that tells when a call asks it for a slot (and may wait for one). */
export class ObservedLimiter extends RateLimiter {
  readonly #asked: (() => void)[] = [];

  /** Resolves at the next call of `acquire`, once it is waiting. */
  asked(): Promise<void> {
    return new Promise((resolve) => this.#asked.push(resolve));
  }

  override acquire(options?: Parameters<RateLimiter["acquire"]>[0]): Promise<() => void> {
    const slot = super.acquire(options);
    this.#asked.shift()?.();
    return slot;
  }
}

/** The answer's problem document, checked for the fields every problem has. */
export async function problemOf(response: Response): Promise<Problem> {
  strictEqual(response.headers.get("content-type"), "application/problem+json");
  const body = await response.json() as Problem;
  strictEqual(body.status, response.status);
  strictEqual(body.requestId, response.headers.get("x-request-id"));
  ok(body.type.startsWith("urn:lending-whitebit:problem:"));
  ok(body.title && body.detail);
  return body;
}

/** The problem type URN of a slug. */
export const typeOf = (slug: string): string => `urn:lending-whitebit:problem:${slug}`;

/** Each shipped store, opened fresh, closed with `await using`. */
export const STORES: [string, () => Promise<{ store: IdempotencyStore } & AsyncDisposable>][] = [
  [
    "memory store",
    () =>
      Promise.resolve({
        store: new MemoryIdempotencyStore(),
        [Symbol.asyncDispose]: () => Promise.resolve(),
      }),
  ],
  ["Deno KV store", async () => {
    const kv = await Deno.openKv(":memory:");
    return {
      store: new DenoKvIdempotencyStore(kv),
      [Symbol.asyncDispose]: () => Promise.resolve(kv.close()),
    };
  }],
];

const SERVER = new URL("../server.ts", import.meta.url).pathname;
/** The settings `server.ts` reads. */
export const SETTINGS = [
  "WHITEBIT_API_KEY",
  "WHITEBIT_API_SECRET",
  "WHITEBIT_BASE_URL",
  "LENDING_API_TOKENS",
  "LENDING_CORS_ORIGINS",
];

/**
 * Starts `deno serve server.ts` on 127.0.0.1, configured only by `env`
 * (inherited variables of the settings' names are blanked). `allowEnv`:
 * the `--allow-env` list (default: every setting; `[]` for none).
 * `stderr` holds what it printed before listening; the access log is read
 * when it is disposed.
 */
export async function startServe(env: Record<string, string>, allowEnv: string[] = SETTINGS) {
  const blank = Object.fromEntries(SETTINGS.map((name) => [name, ""]));
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "--host=127.0.0.1",
      "--port=0",
      "--allow-net=127.0.0.1",
      ...(allowEnv.length ? [`--allow-env=${allowEnv.join(",")}`] : []),
      SERVER,
    ],
    env: { ...blank, ...env, NO_COLOR: "1", RUST_BACKTRACE: "0" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // deno serve announces itself on stderr; the access log goes to stdout.
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const output: string[] = [];
  let url: string | undefined;
  const deadline = setTimeout(() => child.kill(), 30_000);
  while (!url) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`deno serve exited: ${output.join("")}`);
    output.push(value);
    url = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(""))?.[1];
  }
  clearTimeout(deadline);
  const drain = (async () => {
    while (!(await lines.read()).done) { /* the rest of stderr */ }
  })();
  const log = child.stdout.text();
  return {
    url,
    stderr: output.join(""),
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await drain;
      ok(!(await log).includes(env.WHITEBIT_API_SECRET ?? "\u0000"), "no secret in the access log");
    },
  };
}
