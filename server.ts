/**
 * An HTTP endpoint for the lending client, built with Hono, for Deno Deploy
 * (`deno serve server.ts`) and Cloudflare Workers (`main = "server.ts"`).
 * It holds credentials that move money, so it is safe to expose: bearer
 * tokens compared in constant time, no open proxy when unconfigured, bodies
 * bounded and validated before anything reaches WhiteBIT, RFC 9457 problem
 * documents that say whether funds may have moved, and an `Idempotency-Key`
 * that WhiteBIT itself lacks.
 *
 * The default export reads `WHITEBIT_API_KEY`, `WHITEBIT_API_SECRET`,
 * `WHITEBIT_BASE_URL` (optional), `LENDING_API_TOKENS` (comma-separated) and
 * `LENDING_CORS_ORIGINS` (optional, comma-separated) from the Workers
 * bindings or the Deno environment. Run as `deno serve server.ts`, it says
 * at start, in one line on stderr, which of them are unset or unreadable.
 *
 * @example In process, against the sandbox
 * ```ts
 * import { createApp } from "@lending/whitebit/server";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const app = createApp({
 *   client: { ...sandbox.credentials, fetch: sandbox.fetch },
 *   tokens: ["caller-token"],
 *   log: false,
 * });
 * const response = await app.fetch(
 *   new Request("http://localhost/v1/investments", {
 *     method: "POST",
 *     headers: { authorization: "Bearer caller-token", "content-type": "application/json" },
 *     body: JSON.stringify({ planId: sandbox.plans[0].id, amount: "100" }),
 *   }),
 * );
 * strictEqual(response.status, 201);
 * ```
 *
 * @module
 */

import { Hono } from "hono";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { NonceWindowHealer } from "./server/_nonce_window.ts";
import {
  blockers,
  describeSettings,
  list,
  readSettings,
  type SettingName,
  type Settings,
} from "./server/_settings.ts";
import { WhiteBitClient } from "./client.ts";
import type { CallOptions, WhiteBitClientOptions } from "./client/options.ts";
import type { Outcome } from "./client/errors.ts";
import {
  type IdempotencyStore,
  IdempotencyStoreFullError,
  MemoryIdempotencyStore,
  type StoredResponse,
} from "./server/idempotency.ts";
import { OPENAPI_DOCUMENT } from "./server/_openapi.ts";
import { type Problem, problem, problemFromError, trimProblem } from "./server/_problem.ts";
import { timingSafeEqual } from "./server/_timing_safe_equal.ts";
import {
  assertDecimalAmount,
  assertIdentifier,
  isRecord,
  mustBe,
  QUERY_RULES,
  type Rule,
} from "./client/_validate.ts";

export {
  type IdempotencyRecord,
  type IdempotencyStore,
  IdempotencyStoreFullError,
  MemoryIdempotencyStore,
  type MemoryIdempotencyStoreOptions,
  type StoredResponse,
} from "./server/idempotency.ts";
export {
  DenoKvIdempotencyStore,
  type DenoKvIdempotencyStoreOptions,
} from "./server/deno_kv_store.ts";
export { OPENAPI_DOCUMENT } from "./server/_openapi.ts";
export { type Problem, problem, PROBLEM_TYPES, problemFromError } from "./server/_problem.ts";

/**
 * One line of the access log: never a body, a header or a secret.
 *
 * @example
 * ```ts
 * import { type AccessLogEntry, createApp } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const entries: AccessLogEntry[] = [];
 * const app = createApp({ log: (entry) => entries.push(entry) });
 * await app.fetch(new Request("http://localhost/healthz"));
 * strictEqual(entries[0].status, 503); // no client and no tokens: not configured
 * ```
 */
export interface AccessLogEntry {
  /** ISO time the answer was sent. */
  time: string;
  /** The request id. */
  requestId: string;
  /** The HTTP method. */
  method: string;
  /** The URL path. */
  path: string;
  /** The status answered. */
  status: number;
  /** Time taken, in milliseconds. */
  durationMs: number;
  /**
   * Something an operator must know, such as an answer that could not be
   * kept for its `Idempotency-Key` (the key then stays in flight until it
   * expires). Fixed text: never a body, a header or a secret.
   */
  warning?: string;
}

/**
 * Options of {@linkcode createApp}.
 *
 * @example
 * ```ts
 * import { createApp, type CreateAppOptions } from "@lending/whitebit/server";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 *
 * const sandbox = new WhiteBitSandbox();
 * const options: CreateAppOptions = {
 *   client: { ...sandbox.credentials, fetch: sandbox.fetch },
 *   tokens: ["current", "previous"],
 *   corsOrigins: ["https://app.example"],
 *   maxWaitMs: 5_000,
 *   log: false,
 * };
 * const app = createApp(options);
 * ```
 */
export interface CreateAppOptions {
  /** The client, or its options (one client per app: the key is imported once). Without it, every route answers 503. */
  client?: WhiteBitClient | WhiteBitClientOptions;
  /** Caller bearer tokens (trimmed); several allow rotation. Without any, every route answers 503. */
  tokens?: string[];
  /** Where `Idempotency-Key` records live. Default: this isolate's memory. */
  idempotencyStore?: IdempotencyStore;
  /**
   * The key space of `Idempotency-Key`: the WhiteBIT account the server acts
   * for, shared by all its callers. Default: a digest of the client's base
   * URL and API key (never the key itself) when `client` is given as
   * options, else of its base URL only; set it when several apps given a
   * `WhiteBitClient` for different accounts share one store.
   */
  idempotencyScope?: string;
  /**
   * How long a request may wait for a WhiteBIT rate-limit slot before it is
   * answered 503 `server-busy` with nothing sent. Default 15 000.
   */
  maxWaitMs?: number;
  /** Origins allowed by CORS. Default: none (CORS off). */
  corsOrigins?: string[];
  /** Receives one entry per request; `false` for none. Default: a JSON line on `console.log`. */
  log?: ((entry: AccessLogEntry) => void) | false;
}

/**
 * The app: a `fetch` handler for Deno and Workers alike.
 *
 * @example
 * ```ts
 * import { createApp, type LendingApp } from "@lending/whitebit/server";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const app: LendingApp = createApp({
 *   client: { ...sandbox.credentials, fetch: sandbox.fetch },
 *   tokens: ["t"],
 *   log: false,
 * });
 * strictEqual((await app.fetch(new Request("http://localhost/healthz"))).status, 200);
 * ```
 */
export interface LendingApp {
  /** Answers one request. */
  fetch(request: Request, env?: unknown, context?: unknown): Response | Promise<Response>;
}

const BODY_LIMIT = 4 * 1024;
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** The most bytes of a body kept for replay: a record stays far below Deno KV's 64 KiB. */
const RECORD_BODY_LIMIT = 16 * 1024;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** RFC 8941's sf-string, the IETF draft's form of the key: printable ASCII, `\"` and `\\` escaped. */
const QUOTED_KEY = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;
const BEARER = /^Bearer ([\x21-\x7e]{1,1024})$/i;
const JSON_TYPE = /^application\/json\s*(?:;|$)/i;
const MAX_TIMER_MS = 2 ** 31 - 1;
const ROUTES: { pattern: RegExp; methods: string[] }[] = [
  { pattern: /^\/healthz$/, methods: ["GET", "HEAD"] },
  { pattern: /^\/openapi\.json$/, methods: ["GET", "HEAD"] },
  { pattern: /^\/v1\/plans$/, methods: ["GET", "HEAD"] },
  { pattern: /^\/v1\/investments$/, methods: ["GET", "HEAD", "POST"] },
  { pattern: /^\/v1\/investments\/[^/]*\/close$/, methods: ["POST"] },
  { pattern: /^\/v1\/interest-payments$/, methods: ["GET", "HEAD"] },
];

const pick = (...names: string[]): Record<string, Rule> =>
  Object.fromEntries(names.map((name) => [name, QUERY_RULES[name]]));
const encoder = new TextEncoder();
const typeOf = (slug: string) => problem(slug, "").type;
/** Seconds to wait before trying again, for problems where that helps. */
const RETRY_AFTER: Record<string, string> = {
  [typeOf("rate-limited")]: "10",
  [typeOf("upstream-busy")]: "1",
  [typeOf("server-busy")]: "10",
  [typeOf("clock-skew")]: "10",
  [typeOf("idempotency-key-in-flight")]: "1",
  [typeOf("idempotency-store-unavailable")]: "1",
};
const CLOCK_SKEW = typeOf("clock-skew");

type Env = { Variables: { requestId: string; warning: string } };

/** An answer, and what the server needs to know of it. */
interface Answer extends StoredResponse {
  /** For a problem: whether WhiteBIT may have acted. */
  outcome?: Outcome;
  /** The problem, if it is one. */
  problem?: Problem;
  /** `Retry-After` seconds, where they are not fixed by the problem's type. */
  retryAfter?: string;
}

/** A client call of one route: gets the wait bound and the caller's signal. */
type Call = (options: CallOptions) => Promise<StoredResponse>;

/** What the routes share. */
interface Deps {
  client: WhiteBitClient;
  store: IdempotencyStore;
  healer: NonceWindowHealer;
  maxWaitMs: number;
  /** The key space of `Idempotency-Key`. */
  scope: Promise<string>;
}

/**
 * Creates the HTTP app.
 *
 * @example
 * ```ts
 * import { createApp } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const app = createApp({ log: false }); // not configured: never an open proxy
 * const response = await app.fetch(new Request("http://localhost/v1/investments", { method: "POST" }));
 * strictEqual(response.status, 503);
 * strictEqual(response.headers.get("content-type"), "application/problem+json");
 * ```
 *
 * @param options The client, caller tokens, stores, CORS and logging.
 * @returns An app with `fetch`.
 * @throws {TypeError} If a token holds characters a bearer token cannot (never shown), or the client's options are unusable.
 * @throws {RangeError} If `maxWaitMs` is out of range.
 */
export function createApp(options: CreateAppOptions = {}): LendingApp {
  return buildApp(options);
}

/**
 * The app; `missing` names what keeps it from working, for `/healthz`
 * (default: the options `client` and `tokens`, where absent).
 */
function buildApp(options: CreateAppOptions, missing?: string[]): LendingApp {
  const tokens = (options.tokens ?? []).map((token) => token.trim()).filter(Boolean);
  if (!tokens.every(isBearerToken)) {
    // The token is a secret: never in a message.
    throw new TypeError(
      "Cannot create app: a token must be 1 to 1024 visible ASCII characters (the token is not shown)",
    );
  }
  const maxWaitMs = options.maxWaitMs ?? 15_000;
  if (!Number.isInteger(maxWaitMs) || maxWaitMs < 0 || maxWaitMs > MAX_TIMER_MS) {
    throw new RangeError(
      mustBe("create app", '"maxWaitMs"', `a whole number from 0 to ${MAX_TIMER_MS}`, maxWaitMs),
    );
  }
  const client = options.client instanceof WhiteBitClient
    ? options.client
    : options.client && new WhiteBitClient(options.client);
  const absent = missing ?? [...(client ? [] : ["client"]), ...(tokens.length ? [] : ["tokens"])];
  const tokenBytes = tokens.map((token) => encoder.encode(token));
  const log = options.log === false
    ? undefined
    : options.log ?? ((entry: AccessLogEntry) => console.log(JSON.stringify(entry)));

  const app = new Hono<Env>();
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const warning = c.get("warning");
    log?.({
      time: new Date().toISOString(),
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      ...(warning ? { warning } : {}),
    });
  });
  app.use(secureHeaders());
  if (options.corsOrigins?.length) {
    app.use(cors({
      origin: options.corsOrigins,
      allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key"],
      allowMethods: ["GET", "POST"],
      exposeHeaders: ["X-Request-Id", "Retry-After", "Idempotent-Replayed"],
      maxAge: 600,
    }));
  }
  app.get(
    "/healthz",
    (c) =>
      absent.length || !client
        ? c.json({ status: "not-configured", missing: absent }, 503)
        : c.json({ status: "ok" }),
  );
  if (!client || absent.length) {
    app.all("*", (c) =>
      answer(
        c,
        problem(
          "not-configured",
          `Missing: ${absent.join(", ")}. Nothing is sent to WhiteBIT until they are set.`,
        ),
      ));
    return { fetch: (request, env, context) => app.fetch(request, env, context as never) };
  }
  const deps: Deps = {
    client,
    store: options.idempotencyStore ?? new MemoryIdempotencyStore(),
    healer: new NonceWindowHealer(client),
    maxWaitMs,
    scope: options.idempotencyScope !== undefined
      ? Promise.resolve(options.idempotencyScope)
      : digest([
        client.baseUrl,
        options.client instanceof WhiteBitClient ? "" : options.client?.apiKey ?? "",
      ]),
  };
  app.use(async (c, next) => {
    const match = BEARER.exec(c.req.header("authorization") ?? "");
    const presented = encoder.encode(match?.[1] ?? "");
    let found = false;
    for (const token of tokenBytes) found = timingSafeEqual(presented, token) || found;
    if (!match || !found) {
      return answer(c, problem("unauthorized", "Send Authorization: Bearer <token>."));
    }
    await next();
  });
  app.get("/openapi.json", (c) => c.json(OPENAPI_DOCUMENT));
  app.get(
    "/v1/plans",
    (c) =>
      read(c, deps, pick("ticker"), async (query, call) => ({
        records: await client.plans(query, call),
      })),
  );
  app.get("/v1/investments", (c) =>
    read(
      c,
      deps,
      pick("id", "ticker", "status", "limit", "offset"),
      (query, call) => client.investments(query, call),
    ));
  app.get("/v1/interest-payments", (c) =>
    read(
      c,
      deps,
      pick("planId", "ticker", "limit", "offset"),
      (query, call) => client.interestPayments(query, call),
    ));
  const limitBody = bodyLimit({
    maxSize: BODY_LIMIT,
    onError: (c) => answer(c, problem("payload-too-large", `Send at most ${BODY_LIMIT} bytes.`)),
  });
  app.post("/v1/investments", limitBody, async (c) => {
    const parsed = await jsonBody(c);
    if ("problem" in parsed) return answer(c, parsed.problem);
    const invalid = checkFields(parsed.value, {
      planId: assertIdentifier,
      amount: assertDecimalAmount,
    }, ["planId", "amount"]);
    if (invalid) return answer(c, invalid);
    const params = { planId: parsed.value.planId as string, amount: parsed.value.amount as string };
    return await idempotent(c, deps, JSON.stringify(params), async (call) => {
      const { id } = await client.invest(params, call);
      return { status: 201, body: JSON.stringify({ id }), contentType: "application/json" };
    });
  });
  app.post("/v1/investments/:id/close", limitBody, async (c) => {
    const id = c.req.param("id");
    const text = await c.req.text();
    const invalid = checkFields({ id }, { id: assertIdentifier }, ["id"]) ??
      (text.trim() === "" ? undefined : await jsonEmptyObject(c, text));
    if (invalid) return answer(c, invalid);
    return await idempotent(c, deps, "", async (call) => {
      await client.closeInvestment(id, call);
      return { status: 204, body: "", contentType: "" };
    });
  });
  app.notFound((c) => {
    const route = ROUTES.find(({ pattern }) => pattern.test(c.req.path));
    if (!route) return answer(c, problem("not-found", `${c.req.method} ${c.req.path}`));
    c.header("Allow", route.methods.join(", "));
    return answer(c, problem("method-not-allowed", `Use ${route.methods.join(" or ")}.`));
  });
  app.onError((_error, c) => answer(c, problem("internal", "The server failed unexpectedly.")));
  return { fetch: (request, env, context) => app.fetch(request, env, context as never) };
}

/**
 * Runs `call` at most once per WhiteBIT account and `Idempotency-Key`: the
 * same key and body replay the stored answer; another body is refused; a
 * duplicate during the first is refused. Answers that say nothing was
 * executed free the key, so the same request can be sent again; any other
 * answer is kept, and if it cannot be, the key stays in flight (never
 * freed: a retry must not invest twice) while the caller still gets it.
 */
async function idempotent(
  c: Context<Env>,
  deps: Deps,
  canonicalBody: string,
  call: Call,
): Promise<Response> {
  const header = c.req.header("idempotency-key");
  if (header === undefined) return send(c, await run(c, deps, call));
  const key = idempotencyKeyOf(header);
  if (key === undefined) {
    return answer(
      c,
      problem("invalid-request", "The Idempotency-Key header is invalid.", {
        outcome: "not_executed",
        fieldErrors: {
          "Idempotency-Key": [
            'Use 1 to 255 visible ASCII characters, bare or as a "quoted" string.',
          ],
        },
      }),
    );
  }
  const scoped = `${await deps.scope}:${key}`;
  const fingerprint = `${c.req.method} ${c.req.path}\n${canonicalBody}`;
  const { store } = deps;
  let existing;
  try {
    existing = await store.claim(scoped, fingerprint, IDEMPOTENCY_TTL_MS);
  } catch (error) {
    return send(c, storeProblem(error));
  }
  if (existing && existing.fingerprint !== fingerprint) {
    return answer(
      c,
      problem("idempotency-key-reused", "Use a new Idempotency-Key for a different request.", {
        outcome: "not_executed",
      }),
    );
  }
  if (existing?.state === "in_flight") {
    return answer(
      c,
      problem(
        "idempotency-key-in-flight",
        "A request with this Idempotency-Key is in progress, or its server stopped before its answer was kept: whether WhiteBIT acted on it is unknown until then. Send it again with the same key later; reconcile before using a new key.",
        { outcome: "unknown" },
      ),
    );
  }
  if (existing?.state === "done") {
    c.header("Idempotent-Replayed", "true");
    return send(c, existing.response);
  }
  const result = await run(c, deps, call);
  if (result.outcome === "not_executed") {
    // Nothing happened, so the same request may be sent again. If the store
    // fails, the key stays in flight until it expires: 409, never a second investment.
    await store.release(scoped).catch(() =>
      c.set("warning", "idempotency key not released: it stays in flight until it expires")
    );
  } else {
    await keep(store, scoped, fingerprint, result).catch(() =>
      c.set(
        "warning",
        "idempotency answer not kept: the key stays in flight (409, outcome unknown) until it expires",
      )
    );
  }
  return send(c, result);
}

/**
 * Keeps an answer for replay, cut to fit; if the store refuses it, tries
 * once more with the smallest record that still says what happened.
 */
async function keep(
  store: IdempotencyStore,
  key: string,
  fingerprint: string,
  result: Answer,
): Promise<void> {
  try {
    await store.complete(
      key,
      fingerprint,
      forRecord(result, RECORD_BODY_LIMIT),
      IDEMPOTENCY_TTL_MS,
    );
  } catch {
    await store.complete(key, fingerprint, forRecord(result, 1024), IDEMPOTENCY_TTL_MS);
  }
}

/**
 * The answer as kept for replay, its body at most `limit` bytes: a problem
 * loses its field messages and most of its detail, never its type, status,
 * outcome or what reconciling needs; a success too large to keep (such as
 * an absurdly long id) is replayed as an `unknown` outcome to reconcile.
 */
function forRecord(result: Answer, limit: number): StoredResponse {
  const { status, body, contentType } = result;
  if (encoder.encode(body).byteLength <= limit) return { status, body, contentType };
  const p = result.problem ?? problem(
    "upstream-error",
    `WhiteBIT's answer (${status}) to the first request with this Idempotency-Key was too large to keep for replay; it may have been carried out: reconcile (GET /v1/investments) before sending it again.`,
    { outcome: "unknown" },
  );
  return problemResponse(trimProblem(p, Math.floor(limit / 8)));
}

/** The 503 for a store that could not claim a key: nothing was sent. */
function storeProblem(error: unknown): Answer {
  if (error instanceof IdempotencyStoreFullError) {
    return problemResponse(
      problem(
        "idempotency-store-full",
        "Every Idempotency-Key record is in flight or not yet expired, and none may be forgotten. Nothing was sent to WhiteBIT: send the request again later.",
        { outcome: "not_executed" },
      ),
      String(Math.ceil(Math.min(IDEMPOTENCY_TTL_MS, Math.max(1000, error.retryAfterMs)) / 1000)),
    );
  }
  return problemResponse(
    problem(
      "idempotency-store-unavailable",
      "The Idempotency-Key store could not claim the key. Nothing was sent to WhiteBIT: send the request again.",
      { outcome: "not_executed" },
    ),
  );
}

/**
 * Runs one client call of a route: bounded in its wait for a rate-limit
 * slot, dropped if the caller leaves before it is sent (never once sent:
 * its answer is kept for the replay), sent once more after one shared
 * `syncTime()` when WhiteBIT refuses its nonce window. Every failure
 * becomes a problem.
 */
async function run(c: Context<Env>, deps: Deps, call: Call): Promise<Answer> {
  const waitSignal = c.req.raw.signal;
  try {
    return await deps.healer.call(() => call({ maxWaitMs: deps.maxWaitMs, waitSignal }));
  } catch (error) {
    if (waitSignal.aborted && error === waitSignal.reason) {
      return problemResponse(
        problem(
          "client-closed-request",
          "The caller left while the request waited for its turn; nothing was sent to WhiteBIT.",
          { outcome: "not_executed" },
        ),
      );
    }
    const p = problemFromError(error);
    return problemResponse(p.type === CLOCK_SKEW ? clockSkew(p, deps.healer) : p);
  }
}

/** A nonce-window refusal that survived a `syncTime()`: what is wrong is the clock. */
function clockSkew(p: Problem, healer: NonceWindowHealer): Problem {
  const { offsetMs, syncFailure } = healer;
  return problem(
    "clock-skew",
    syncFailure === undefined
      ? `WhiteBIT refused the nonce as outside its ±5 s window even after this server re-read WhiteBIT's time (WhiteBIT's clock minus this host's: ${offsetMs} ms). Set this host's clock right (NTP). Nothing was carried out.`
      : `WhiteBIT refused the nonce as outside its ±5 s window, and this server could not read WhiteBIT's time (${syncFailure}). Set this host's clock right (NTP). Nothing was carried out.`,
    { outcome: p.outcome, ...(offsetMs === undefined ? {} : { clockOffsetMs: offsetMs }) },
  );
}

/**
 * The key of an `Idempotency-Key` header: the value itself, or the content
 * of the IETF draft's quoted string (`"abc"` is the key `abc`); `undefined`
 * if it is not one.
 */
function idempotencyKeyOf(header: string): string | undefined {
  const quoted = QUOTED_KEY.exec(header);
  if (!quoted && header.startsWith('"')) return undefined;
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, "$1") : header;
  return IDEMPOTENCY_KEY.test(key) ? key : undefined;
}

/** The request's JSON object body, or the problem with it. */
async function jsonBody(
  c: Context<Env>,
  text?: string,
): Promise<{ value: Record<string, unknown> } | { problem: Problem }> {
  if (!JSON_TYPE.test(c.req.header("content-type") ?? "")) {
    return { problem: problem("unsupported-media-type", "Send Content-Type: application/json.") };
  }
  text ??= await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      problem: problem("invalid-request", "The body is not valid JSON.", {
        outcome: "not_executed",
      }),
    };
  }
  if (!isRecord(value)) {
    return {
      problem: problem("invalid-request", "The body must be a JSON object.", {
        outcome: "not_executed",
      }),
    };
  }
  return { value };
}

/** A close request's optional body: an empty JSON object, or the problem with it. */
async function jsonEmptyObject(c: Context<Env>, text: string): Promise<Problem | undefined> {
  const parsed = await jsonBody(c, text);
  return "problem" in parsed ? parsed.problem : checkFields(parsed.value, {}, []);
}

/**
 * Answers a read route: the query parameters are checked with the client's
 * rules (unknown or repeated ones refused) before `call` reaches WhiteBIT.
 */
async function read(
  c: Context<Env>,
  deps: Deps,
  rules: Record<string, Rule>,
  call: (query: Record<string, string | number>, options: CallOptions) => Promise<unknown>,
): Promise<Response> {
  // No prototype: `?__proto__=…` or `?constructor=…` is a parameter like any other, and unknown.
  const query: Record<string, string | number> = Object.create(null);
  const repeated: Record<string, string[]> = {};
  for (const [name, value] of new URL(c.req.url).searchParams) {
    if (Object.hasOwn(query, name)) repeated[name] = ["Give it once."];
    query[name] = /^(?:0|[1-9]\d{0,15})$/.test(value) &&
        (name === "limit" || name === "offset" || name === "status")
      ? Number(value)
      : value;
  }
  const invalid = checkFields(query, rules, [], repeated);
  if (invalid) return answer(c, invalid);
  return send(
    c,
    await run(c, deps, async (options) => ({
      status: 200,
      body: JSON.stringify(await call({ ...query }, options)),
      contentType: "application/json",
    })),
  );
}

/**
 * Checks each field with its rule, requires `required`, and refuses unknown
 * ones: only a rule's own name is known, so `__proto__`, `constructor` or
 * `toString` are unknown fields like any other.
 */
function checkFields(
  value: Record<string, unknown>,
  rules: Record<string, Rule>,
  required: string[],
  fieldErrors: Record<string, string[]> = {},
): Problem | undefined {
  for (const [name, assert] of Object.entries(rules)) {
    try {
      if (!Object.hasOwn(value, name)) {
        if (required.includes(name)) throw new TypeError(`Cannot use "${name}": it is required`);
        continue;
      }
      assert(value[name], name);
    } catch (error) {
      fieldErrors[name] = [(error as Error).message];
    }
  }
  for (const name of Object.keys(value)) {
    if (!Object.hasOwn(rules, name)) fieldErrors[name] = ["Unknown field."];
  }
  return Object.keys(fieldErrors).length
    ? problem("invalid-request", "Some fields are invalid; nothing was sent to WhiteBIT.", {
      outcome: "not_executed",
      fieldErrors,
    })
    : undefined;
}

function problemResponse(p: Problem, retryAfter?: string): Answer {
  return {
    status: p.status,
    body: JSON.stringify(p),
    contentType: "application/problem+json",
    outcome: p.outcome,
    problem: p,
    retryAfter,
  };
}

function answer(c: Context<Env>, p: Problem): Response {
  return send(c, problemResponse(p));
}

/** Sends a stored or fresh answer; problem bodies get this request's id. */
function send(c: Context<Env>, response: Answer): Response {
  let body = response.body;
  if (response.contentType === "application/problem+json") {
    const p = JSON.parse(body) as Problem;
    if (p.status === 401) c.header("WWW-Authenticate", 'Bearer realm="lending"');
    const retryAfter = response.retryAfter ?? RETRY_AFTER[p.type];
    if (retryAfter) c.header("Retry-After", retryAfter);
    body = JSON.stringify({ ...p, requestId: c.get("requestId") });
  }
  if (response.status === 204) return c.body(null, 204);
  c.header("Content-Type", response.contentType);
  return c.body(body, response.status as 200);
}

/** Whether a caller could send `token` as `Authorization: Bearer <token>`. */
function isBearerToken(token: string): boolean {
  return BEARER.test(`Bearer ${token}`);
}

/** A short digest naming a WhiteBIT account (never its key): 16 bytes of SHA-256, in hex. */
async function digest(parts: string[]): Promise<string> {
  const bytes = await crypto.subtle.digest(
    "SHA-256",
    encoder.encode(`lending-whitebit idempotency scope\n${parts.join("\n")}`),
  );
  return Array.from(
    new Uint8Array(bytes).subarray(0, 16),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
}

/** The app of the current settings, and what keeps it from working. */
interface Configured {
  signature: string;
  app: LendingApp;
  settings: Settings;
  invalid: SettingName[];
}

/** Which setting a client option named in the constructor's message comes from. */
const CLIENT_SETTINGS: [option: string, setting: SettingName][] = [
  ['"apiKey"', "WHITEBIT_API_KEY"],
  ['"apiSecret"', "WHITEBIT_API_SECRET"],
  ['"baseUrl"', "WHITEBIT_BASE_URL"],
];

let configured: Configured | undefined;

/** The app for these settings: built once per isolate, again only if they change. */
function configure(env: unknown): Configured {
  const settings = readSettings(env);
  const { values } = settings;
  const signature = JSON.stringify([values, settings.unreadable]);
  if (configured?.signature === signature) return configured;
  const invalid: SettingName[] = [];
  const { WHITEBIT_API_KEY: apiKey, WHITEBIT_API_SECRET: apiSecret } = values;
  let client: WhiteBitClient | undefined;
  try {
    client = apiKey && apiSecret
      ? new WhiteBitClient({ apiKey, apiSecret, baseUrl: values.WHITEBIT_BASE_URL || undefined })
      : undefined;
  } catch (error) {
    // Only which setting it is: a value is never shown.
    const message = error instanceof Error ? error.message : "";
    invalid.push(
      CLIENT_SETTINGS.find(([option]) => message.includes(option))?.[1] ?? "WHITEBIT_BASE_URL",
    );
  }
  const tokens = list(values.LENDING_API_TOKENS);
  if (!tokens.every(isBearerToken)) invalid.push("LENDING_API_TOKENS");
  const names = [...blockers(settings), ...invalid.map((name) => `${name} (invalid)`)];
  const app = buildApp({
    client: names.length ? undefined : client,
    tokens: names.length ? [] : tokens,
    corsOrigins: list(values.LENDING_CORS_ORIGINS),
  }, names);
  return configured = { signature, app, settings, invalid };
}

/**
 * The app configured from the environment: Workers bindings when present,
 * else the Deno environment. Built once per isolate, rebuilt only if the
 * configuration changes. Until it is configured, every route answers 503,
 * `/healthz` included (with the names of what is missing).
 *
 * @example
 * ```ts
 * import handler from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const response = await handler.fetch(new Request("http://localhost/healthz"), {});
 * strictEqual(response.status, 503); // no credentials, no tokens
 * strictEqual((await response.json()).status, "not-configured");
 * ```
 */
const handler: LendingApp = {
  fetch(request, env, context) {
    return configure(env).app.fetch(request, env, context);
  },
};

export default handler;

// `deno serve server.ts`: say at once what is missing, rather than at the first request.
if (import.meta.main) {
  const { settings, invalid } = configure(undefined);
  const line = describeSettings(settings, invalid);
  if (line) console.error(line);
}
