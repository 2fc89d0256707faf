/**
 * What the tests share: a sandbox account and plans, one `setup()` that
 * builds a sandbox and a client on it (with the bodies the client sent), and
 * a clock a test can move. Each test passes only what differs. For the
 * server: `setupServer()`, an app in process on that client with helpers
 * to call it, the idempotency stores to run a test against, and
 * `deno serve server.ts` as a real process. For the CLI: the CLI run as a
 * user runs it (`cli()`, `onTerminal()`), against a sandbox listening on
 * 127.0.0.1 (`cliSandbox()`).
 *
 * @module
 */

import { ok, strictEqual } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { WhiteBitClient } from "../client.ts";
import { WhiteBitError } from "../client/errors.ts";
import type { FetchLike, WhiteBitClientOptions } from "../client/options.ts";
import { RateLimiter } from "../client/rate_limiter.ts";
import { SETTING_NAMES } from "../server/_settings.ts";
import {
  type AccessLogEntry,
  createApp,
  type CreateAppOptions,
  DenoKvIdempotencyStore,
  DurableObjectIdempotencyStore,
  type DurableObjectNamespaceLike,
  type DurableObjectStateLike,
  IdempotencyDurableObject,
  type IdempotencyStore,
  MemoryIdempotencyStore,
  type Problem,
} from "../server.ts";
import {
  type LoopbackServer,
  type SandboxAccount,
  type SandboxPastInvestment,
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

// The server.

/** The server's caller tokens: two, as during a rotation. */
export const TOKENS = ["token-one-4b1f", "token-two-9c2e"];

/** {@linkcode ACCOUNT} with 1,000 USDT, whose balance the server's tests read. */
export const SERVER_ACCOUNT: SandboxAccount = { ...ACCOUNT, balances: { USDT: "1000" } };

/** What {@linkcode setupServer} takes: {@linkcode setup}'s options, and the app's. */
export interface ServerSetupOptions extends SetupOptions {
  /** The app's options that differ (`client`, `tokens` and `log` are set). */
  app?: Partial<CreateAppOptions>;
  /** Wraps the sandbox's `fetch`, the client's transport. */
  wrapFetch?: (fetch: FetchLike) => FetchLike;
}

/** A request to the app: a token (`null` for none) and a JSON body. */
export type CallInit = RequestInit & { token?: string | null; json?: unknown };

/**
 * {@linkcode setup}'s sandbox (with {@linkcode SERVER_ACCOUNT}) and client,
 * and an app in process on that client, for {@linkcode TOKENS}, whose
 * access log is kept in `logs`.
 */
export function setupServer(options: ServerSetupOptions = {}) {
  const { app: appOptions, wrapFetch, account, client: clientOptions, ...rest } = options;
  // `setup()` makes the sandbox: the client's transport wraps its fetch once it exists.
  const upstream: { fetch?: FetchLike } = {};
  const base = setup({
    ...rest,
    account: { ...SERVER_ACCOUNT, ...account },
    client: {
      retryDelayMs: 1,
      ...clientOptions,
      ...(wrapFetch ? { fetch: (input, init) => upstream.fetch!(input, init) } : {}),
    },
  });
  upstream.fetch = wrapFetch?.(base.sandbox.fetch);
  return { ...base, ...appOn({ client: base.client, ...appOptions }) };
}

/**
 * An app in process for {@linkcode TOKENS} (its access log kept in `logs`),
 * with helpers to call it: one instance of a fleet, when several share a
 * sandbox and a store.
 */
export function appOn(options: CreateAppOptions) {
  const logs: AccessLogEntry[] = [];
  const app = createApp({ tokens: TOKENS, log: (entry) => logs.push(entry), ...options });
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
  return { app, logs, call, invest };
}

/**
 * A transport that holds the `nth` request (1-based) until `open()`: the
 * request has left the client, WhiteBIT has not seen it yet. With
 * `"after"`, WhiteBIT carries it out at once and its answer is what waits
 * (the holder's server "dies" before hearing back). `held` resolves once
 * it is held.
 */
export function holding(nth = 1, when: "before" | "after" = "before") {
  let count = 0;
  let open!: () => void;
  let arrived!: () => void;
  const opened = new Promise<void>((resolve) => open = resolve);
  const held = new Promise<void>((resolve) => arrived = resolve);
  const wrap = (fetch: FetchLike): FetchLike => async (input, init) => {
    if (++count !== nth) return await fetch(input, init);
    const answer = when === "after" ? await fetch(input, init) : undefined;
    arrived();
    await opened;
    return answer ?? await fetch(input, init);
  };
  return { wrap, held, open };
}

/**
 * Now, on the half second. Reconciling reads WhiteBIT's time first, in
 * whole seconds: on a clock that stands still between the steps a test
 * takes, `syncTime()` then measures an offset of exactly 0 (else up to
 * ±0.5 s, and a lease would not end on the exact step these tests take).
 */
export const halfSecond = (): number => Math.floor(Date.now() / 1000) * 1000 + 500;

/** What a {@linkcode leaseFleet}'s instance runs with, beside its store. */
export interface FleetInstanceOptions {
  /** Its host's clock (the app's and its client's); default WhiteBIT's. */
  host?: () => number;
  wrap?: (fetch: FetchLike) => FetchLike;
  rateLimiter?: RateLimiter;
}

/**
 * WhiteBIT on `world.now` (a clock that moves only when told), and app
 * instances on one key with leases of `leaseMs` (default 60 s), each on
 * its own nonce lane (a still clock would otherwise make them collide).
 */
export function leaseFleet(
  world: { now: number },
  options: { leaseMs?: number; timeoutMs?: number; maxWaitMs?: number } = {},
) {
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...SERVER_ACCOUNT, balances: { USDT: "1000000" } }],
    plans: [{ ...PLAN, maxPossibleInvestment: "100000000" }],
    now: () => world.now,
  });
  let lanes = 0;
  const instance = (store: IdempotencyStore, each: FleetInstanceOptions = {}) => {
    const host = each.host ?? (() => world.now);
    return appOn({
      client: {
        ...sandbox.credentials,
        fetch: (each.wrap ?? ((fetch) => fetch))(sandbox.fetch),
        now: host,
        retryDelayMs: 1,
        timeoutMs: options.timeoutMs,
        rateLimiter: each.rateLimiter,
        nonceLane: { index: lanes++ % 16, count: 16 },
      },
      idempotencyStore: store,
      idempotencyLeaseMs: options.leaseMs ?? 60_000,
      maxWaitMs: options.maxWaitMs,
      now: host,
    });
  };
  return { sandbox, instance };
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

/** A rate limiter whose slots wait until `open()`: a request held before it is signed. */
export class GatedLimiter extends RateLimiter {
  #open!: () => void;
  readonly #opened = new Promise<void>((resolve) => this.#open = resolve);
  #waiting!: () => void;
  readonly waiting: Promise<void> = new Promise((resolve) => this.#waiting = resolve);

  open(): void {
    this.#open();
  }

  override async acquire(options?: Parameters<RateLimiter["acquire"]>[0]): Promise<() => void> {
    this.#waiting();
    await this.#opened;
    return await super.acquire(options);
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

/**
 * Durable Objects in process, for unit tests of {@linkcode IdempotencyDurableObject}:
 * a namespace whose objects (one per name, made on first use, on `now`)
 * keep their SQLite storage in memory (`node:sqlite`), run their alarms when
 * `alarms()` is called at or after the time set, and report what their
 * storage holds. The real runtime is tested in tests/runtimes/ (Miniflare).
 */
export function fakeDurableObjects(now: () => number = Date.now) {
  class Clocked extends IdempotencyDurableObject {
    protected override now(): number {
      return now();
    }
  }
  const objects = new Map<
    string,
    { object: Clocked; db: DatabaseSync; alarm: number | undefined }
  >();
  const objectOf = (name: string) => {
    let entry = objects.get(name);
    if (!entry) {
      const db = new DatabaseSync(":memory:");
      const state: DurableObjectStateLike = {
        storage: {
          sql: {
            exec: (query, ...bindings) => {
              const rows = db.prepare(query).all(...bindings) as Record<string, unknown>[];
              return { toArray: () => rows };
            },
          },
          setAlarm: (time) => Promise.resolve(void (entry!.alarm = time)),
          deleteAll: () => {
            const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
            for (const { name } of tables) {
              db.exec(`DROP TABLE "${name}"`);
            }
            entry!.alarm = undefined;
            return Promise.resolve();
          },
        },
      };
      entry = { object: undefined as never, db, alarm: undefined };
      objects.set(name, entry);
      entry.object = new Clocked(state);
    }
    return entry.object;
  };
  const namespace: DurableObjectNamespaceLike = {
    idFromName: (name) => name,
    get: (id) => ({
      fetch: (input, init) => objectOf(id as string).fetch(new Request(input, init)),
    }),
  };
  return {
    namespace,
    /** Runs every alarm that is due. */
    async alarms(): Promise<void> {
      for (const entry of objects.values()) {
        if (entry.alarm !== undefined && entry.alarm <= now()) {
          entry.alarm = undefined;
          await entry.object.alarm();
        }
      }
    },
    /** How many records the object of `name` stores (its tables may be gone). */
    records(name: string): number {
      const db = objects.get(name)?.db;
      const table = db?.prepare("SELECT name FROM sqlite_master WHERE name = 'records'").all();
      return table?.length
        ? (db!.prepare("SELECT COUNT(*) AS n FROM records").all()[0].n as number)
        : 0;
    },
  };
}

/** Each shipped store, opened fresh on a clock (default the real one), closed with `await using`. */
export const STORES: [
  string,
  (now?: () => number) => Promise<{ store: IdempotencyStore } & AsyncDisposable>,
][] = [
  [
    "memory store",
    (now) =>
      Promise.resolve({
        store: new MemoryIdempotencyStore({ now }),
        [Symbol.asyncDispose]: () => Promise.resolve(),
      }),
  ],
  ["Deno KV store", async (now) => {
    const kv = await Deno.openKv(":memory:");
    return {
      store: new DenoKvIdempotencyStore(kv, { now }),
      [Symbol.asyncDispose]: () => Promise.resolve(kv.close()),
    };
  }],
  [
    "Durable Object store",
    (now) =>
      Promise.resolve({
        store: new DurableObjectIdempotencyStore(fakeDurableObjects(now).namespace),
        [Symbol.asyncDispose]: () => Promise.resolve(),
      }),
  ],
];

const SERVER = new URL("../server.ts", import.meta.url).pathname;

/** How {@linkcode startServe} runs the server. */
export interface ServeOptions {
  /** The `--allow-env` list (default: every setting; `[]` for none). */
  allowEnv?: string[];
  /** A folder the server may read and write (for a Deno KV file), with `--unstable-kv`. */
  kvDir?: string;
}

/**
 * Starts `deno serve server.ts` on 127.0.0.1, configured only by `env`
 * (inherited variables of the settings' names are blanked). `stderr` holds
 * what it printed before listening; the access log (stdout) is read when it
 * is stopped: by `stop(signal)` (SIGKILL: it dies mid-call) or on dispose,
 * which also checks that no secret reached it.
 */
export async function startServe(
  env: Record<string, string>,
  allowEnvOrOptions: string[] | ServeOptions = {},
) {
  const options = Array.isArray(allowEnvOrOptions)
    ? { allowEnv: allowEnvOrOptions }
    : allowEnvOrOptions;
  const allowEnv = options.allowEnv ?? [...SETTING_NAMES];
  const blank = Object.fromEntries(SETTING_NAMES.map((name) => [name, ""]));
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "--host=127.0.0.1",
      "--port=0",
      "--allow-net=127.0.0.1",
      ...(allowEnv.length ? [`--allow-env=${allowEnv.join(",")}`] : []),
      ...(options.kvDir
        ? ["--unstable-kv", `--allow-read=${options.kvDir}`, `--allow-write=${options.kvDir}`]
        : []),
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
  const later: string[] = [];
  const drain = (async () => {
    for (let read = await lines.read(); !read.done; read = await lines.read()) {
      later.push(read.value);
    }
  })();
  const log = child.stdout.text();
  let stopped: Promise<Deno.CommandStatus> | undefined;
  // A server that does not stop within 10 s of its signal is killed: a test never hangs on it.
  const stop = (signal: Deno.Signal = "SIGTERM") => {
    if (!stopped) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      stopped = child.status.finally(() => clearTimeout(timer));
    }
    return stopped;
  };
  return {
    url,
    stderr: output.join(""),
    stop,
    /** The access log, one entry per line, once it has stopped. */
    async accessLog(): Promise<AccessLogEntry[]> {
      await stop();
      return (await log).split("\n").filter((line) => line.startsWith("{")).map((line) =>
        JSON.parse(line)
      );
    },
    /** Everything it printed, stdout then stderr, once it has stopped. */
    async printed(): Promise<string> {
      await stop();
      await drain;
      return `${await log}${output.join("")}${later.join("")}`;
    },
    async [Symbol.asyncDispose]() {
      await stop();
      await drain;
      ok(!(await log).includes(env.WHITEBIT_API_SECRET ?? "\u0000"), "no secret in the access log");
    },
  };
}

/** A new private temporary folder, removed on dispose (made by `sh`: tests may not write). */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const made = await new Deno.Command("mktemp", { args: ["-d"], stdout: "piped" }).output();
  ok(made.success, "mktemp could not make a folder");
  const path = new TextDecoder().decode(made.stdout).trim();
  return {
    path,
    async [Symbol.asyncDispose]() {
      await new Deno.Command("rm", { args: ["-rf", path] }).output();
    },
  };
}

/**
 * The sandbox on 127.0.0.1 behind a proxy that can make the server calling
 * it "die" mid-call: `hang(path)` makes the next request to that WhiteBIT
 * path be carried out by the sandbox, its answer held (the connection kept
 * open) until `release()` or dispose, and resolves once it was carried out.
 */
export function hangingSandbox(sandbox: WhiteBitSandbox) {
  let armed: { path: string; carriedOut: () => void } | undefined;
  const released = Promise.withResolvers<void>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      const init = { method: request.method, headers: request.headers, body: await request.text() };
      const answer = await sandbox.fetch(`http://sandbox${url.pathname}${url.search}`, {
        ...init,
        body: init.method === "GET" ? undefined : init.body,
      });
      if (armed?.path === url.pathname) {
        armed.carriedOut();
        armed = undefined;
        await released.promise; // the caller never hears back
      }
      return answer;
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    hang(path: string): Promise<void> {
      const { promise, resolve } = Promise.withResolvers<void>();
      armed = { path, carriedOut: resolve };
      return promise;
    },
    /** Sends the answers held. */
    release(): void {
      released.resolve();
    },
    async [Symbol.asyncDispose]() {
      released.resolve();
      await server.shutdown();
    },
  };
}

// The CLI as a user runs it: a real `deno run` subprocess (the same pinned
// Deno, Deno.execPath()), against its in-process `--sandbox` or against a
// sandbox listening on 127.0.0.1 here, with credentials from the environment
// or a file; on a pseudo-terminal when a test needs one. Every run checks
// that no secret was printed.

/** The CLI's entry point. */
export const CLI: string = new URL("../cli.ts", import.meta.url).pathname;
/** A credentials file with {@linkcode FILE_ACCOUNT}'s key and secret. */
export const CREDENTIALS_FILE: string =
  new URL("./fixtures/credentials.env", import.meta.url).pathname;
/** The account whose credentials the CLI reads from the environment. */
export const ENV_ACCOUNT: SandboxAccount = {
  apiKey: "cli-env-key-7c21",
  apiSecret: "cli-env-secret-4b9e0f",
  balances: { USDT: "5000" },
};
/** The account in {@linkcode CREDENTIALS_FILE}. */
export const FILE_ACCOUNT: SandboxAccount = {
  apiKey: "cli-file-key-51f0",
  apiSecret: "cli-file-secret-8d3e2a",
  balances: { USDT: "5000" },
};
/** The CLI tests' plan: 10 to 1000 USDT, 1 % for 30 days. */
export const CLI_PLAN: SandboxPlan = {
  id: "cli-plan",
  ticker: "USDT",
  minInvestment: "10",
  maxInvestment: "1000",
};
/** The `--sandbox` demo's USDT plan, its matured and its active investment. */
export const DEMO_USDT_PLAN = "8e667b4a-0b71-4988-8af5-9474dbfaeb51";
export const DEMO_ACTIVE = "00000000-0000-4000-8000-000000000002";
export const DEMO_MATURED = "00000000-0000-4000-8000-000000000001";
const DEMO_SECRET = "sandbox-secret-do-not-use-anywhere-else";
const CLI_SECRETS = [ENV_ACCOUNT.apiSecret, FILE_ACCOUNT.apiSecret, DEMO_SECRET];
/** Deno's permissions for the CLI, unless a test says otherwise. */
export const CLI_PERMISSIONS: string[] = [
  "--allow-net=127.0.0.1",
  "--allow-env=WHITEBIT_API_KEY,WHITEBIT_API_SECRET",
  `--allow-read=${CREDENTIALS_FILE}`,
];

/** What a CLI run printed, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** How {@linkcode cli} runs the CLI. */
export interface CliOptions {
  /** Added to an environment without credentials. */
  env?: Record<string, string>;
  /** Deno's permissions for the CLI. Default {@linkcode CLI_PERMISSIONS}. */
  permissions?: string[];
  /** Written to the CLI's stdin (default: no stdin). */
  stdin?: string;
}

/** Runs the CLI; checks that no secret shows in anything it printed. */
export async function cli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...(options.permissions ?? CLI_PERMISSIONS), CLI, ...args],
    env: { WHITEBIT_API_KEY: "", WHITEBIT_API_SECRET: "", NO_COLOR: "1", ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    // The CLI may refuse before reading it all: a closed pipe is its answer.
    await writer.write(new TextEncoder().encode(options.stdin)).catch(() => {});
    await writer.close().catch(() => {});
  }
  const output = await child.output();
  const run = {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
  assertNoCliSecret(`${run.stdout}${run.stderr}`, args.join(" "));
  return run;
}

/** Everything a run printed, stdout then stderr. */
export const printed = (run: CliRun): string => `${run.stdout}${run.stderr}`;

function assertNoCliSecret(printed: string, what: string): void {
  for (const secret of CLI_SECRETS) ok(!printed.includes(secret), `"${what}" printed a secret`);
}

/** The environment that gives the CLI an account's credentials. */
export const envOf = (account: SandboxAccount): Record<string, string> => ({
  WHITEBIT_API_KEY: account.apiKey,
  WHITEBIT_API_SECRET: account.apiSecret,
});

/** A sandbox listening on 127.0.0.1, and the CLI run against it. */
export interface CliSandbox {
  sandbox: WhiteBitSandbox;
  server: LoopbackServer;
  /** Runs the CLI against the server with {@linkcode ENV_ACCOUNT}'s credentials. */
  run(args: string[], options?: CliOptions): Promise<CliRun>;
}

/** A sandbox on 127.0.0.1 with the env and file accounts and {@linkcode CLI_PLAN}. */
export function cliSandbox(
  account: Partial<SandboxAccount> = {},
  options: { plans?: SandboxPlan[]; pastInvestments?: SandboxPastInvestment[] } = {},
): CliSandbox {
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...ENV_ACCOUNT, ...account }, FILE_ACCOUNT],
    plans: options.plans ?? [CLI_PLAN],
    pastInvestments: options.pastInvestments,
  });
  const server = sandbox.listen();
  const run = (args: string[], runOptions: CliOptions = {}) =>
    cli([...args, "--base-url", server.url], {
      ...runOptions,
      env: { ...envOf(ENV_ACCOUNT), ...runOptions.env },
    });
  return { sandbox, server, run };
}

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), typing `answer`;
 * stdout and stderr both go to the terminal, so they come back together.
 */
export async function onTerminal(
  args: string[],
  env: Record<string, string>,
  answer: string,
): Promise<{ code: number; printed: string }> {
  const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;
  const line = [Deno.execPath(), "run", "--quiet", ...CLI_PERMISSIONS, CLI, ...args].map(quote)
    .join(" ");
  const child = new Deno.Command("script", {
    args: ["-qec", line, "/dev/null"],
    env: { ...env, NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(answer));
  await writer.close();
  const output = await child.output();
  const printed = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assertNoCliSecret(printed, args.join(" "));
  return { code: output.code, printed };
}

/**
 * A file with `content` and permission bits `mode` (such as "600") in a new
 * private temporary folder, removed on dispose. Made by `sh`: the test
 * process itself may run (`--allow-run`) but not write.
 */
export async function tempFile(
  content: string,
  mode = "600",
): Promise<{ path: string } & AsyncDisposable> {
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      'd=$(mktemp -d) && cat > "$d/file" && chmod "$1" "$d/file" && printf %s "$d"',
      "sh",
      mode,
    ],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(content));
  await writer.close();
  const made = await child.output();
  ok(made.success, "sh could not make the file");
  const dir = new TextDecoder().decode(made.stdout);
  return {
    path: `${dir}/file`,
    async [Symbol.asyncDispose]() {
      await new Deno.Command("rm", { args: ["-rf", dir] }).output();
    },
  };
}

// Reconciliation: an account that may hold many investments in one plan, a
// client on the sandbox's clock, and helpers to make an invest fail and to
// count what reached the sandbox.

/** The plan reconciliation searches for, and two that must not be taken for it. */
export const RECONCILE_PLAN: SandboxPlan = {
  id: "plan-a",
  ticker: "USDT",
  minInvestment: "1",
  maxInvestment: "100000",
  maxPossibleInvestment: "1000000",
};
/** Another USDT plan. */
export const OTHER_PLAN: SandboxPlan = { ...RECONCILE_PLAN, id: "plan-b" };
/** A BTC plan. */
export const BTC_PLAN: SandboxPlan = { ...RECONCILE_PLAN, id: "plan-btc", ticker: "BTC" };
/** The reconciliation account's credentials. */
export const RECONCILE_ACCOUNT = { apiKey: "reconcile-key", apiSecret: "reconcile-secret" };

/**
 * {@linkcode setup} for reconciliation: the three plans above, a long
 * history if given (`pastInvestments`), no retries, and both sides on
 * `sandboxNow`.
 */
export function reconcileSetup(
  sandboxNow: () => number = () => T0,
  clientOptions: Partial<WhiteBitClientOptions> = {},
  pastInvestments: SandboxPastInvestment[] = [],
): { sandbox: WhiteBitSandbox; client: WhiteBitClient; sent: Record<string, unknown>[] } {
  const { sandbox, client, sent } = setup({
    account: { ...RECONCILE_ACCOUNT, balances: { USDT: "1000000", BTC: "1000" } },
    plans: [RECONCILE_PLAN, OTHER_PLAN, BTC_PLAN],
    precision: {},
    now: sandboxNow,
    pastInvestments,
    client: { maxRetries: 0, ...clientOptions },
  });
  return { sandbox, client, sent };
}

/** `count` closed investments, newest first from `newest` (Unix seconds), one second apart. */
export function history(
  count: number,
  options: { planId?: string; amount?: string; newest: number },
): SandboxPastInvestment[] {
  return Array.from({ length: count }, (_, i) => ({
    planId: options.planId ?? RECONCILE_PLAN.id,
    amount: options.amount ?? "100",
    created: options.newest - i,
  }));
}

/** Invests and expects a {@linkcode WhiteBitError}: the failure to reconcile. */
export async function failedInvest(
  client: WhiteBitClient,
  amount = "100",
  planId = RECONCILE_PLAN.id,
): Promise<WhiteBitError> {
  const error = await client.invest({ planId, amount }).then(() => undefined, (e) => e);
  ok(error instanceof WhiteBitError, `expected a WhiteBitError, got ${error}`);
  return error;
}

/** How many requests to `path` reached the sandbox. */
export const sentTo = (sandbox: WhiteBitSandbox, path: string): number =>
  sandbox.requests.filter((r) => r.path === path).length;

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
