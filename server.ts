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
 * bindings or the Deno environment.
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
import { WhiteBitClient, type WhiteBitClientOptions } from "./client.ts";
import type { Outcome } from "./errors.ts";
import {
  type IdempotencyStore,
  MemoryIdempotencyStore,
  type StoredResponse,
} from "./idempotency.ts";
import { OPENAPI_DOCUMENT } from "./openapi.ts";
import { type Problem, problem, problemFromError } from "./problem.ts";
import { timingSafeEqual } from "./timing_safe_equal.ts";
import {
  assertDecimalAmount,
  assertIdentifier,
  isRecord,
  QUERY_RULES,
  type Rule,
} from "./validate.ts";

export {
  type IdempotencyRecord,
  type IdempotencyStore,
  MemoryIdempotencyStore,
  type MemoryIdempotencyStoreOptions,
  type StoredResponse,
} from "./idempotency.ts";
export { DenoKvIdempotencyStore, type DenoKvIdempotencyStoreOptions } from "./kv_idempotency.ts";
export { OPENAPI_DOCUMENT } from "./openapi.ts";
export { type Problem, problem, PROBLEM_TYPES, problemFromError } from "./problem.ts";

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
 * strictEqual(entries[0].status, 200);
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
 *   log: false,
 * };
 * const app = createApp(options);
 * ```
 */
export interface CreateAppOptions {
  /** The client, or its options (one client per app: the key is imported once). Without it, every route but `/healthz` answers 503. */
  client?: WhiteBitClient | WhiteBitClientOptions;
  /** Caller bearer tokens; several allow rotation. Without any, every route but `/healthz` answers 503. */
  tokens?: string[];
  /** Where `Idempotency-Key` records live. Default: this isolate's memory. */
  idempotencyStore?: IdempotencyStore;
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
 * import { strictEqual } from "node:assert/strict";
 *
 * const app: LendingApp = createApp({ log: false });
 * strictEqual((await app.fetch(new Request("http://localhost/healthz"))).status, 200);
 * ```
 */
export interface LendingApp {
  /** Answers one request. */
  fetch(request: Request, env?: unknown, context?: unknown): Response | Promise<Response>;
}

const BODY_LIMIT = 4 * 1024;
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const JSON_TYPE = /^application\/json\s*(?:;|$)/i;
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
/** Seconds to wait before trying again, for problems where that helps. */
const RETRY_AFTER: Record<string, string> = {
  [problem("rate-limited", "").type]: "10",
  [problem("upstream-busy", "").type]: "1",
};

type Env = { Variables: { requestId: string; caller: string } };

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
 */
export function createApp(options: CreateAppOptions = {}): LendingApp {
  const client = options.client instanceof WhiteBitClient
    ? options.client
    : options.client && new WhiteBitClient(options.client);
  const tokens = (options.tokens ?? []).filter((token) => token.length > 0);
  const tokenBytes = tokens.map((token) => encoder.encode(token));
  // Idempotency keys are scoped per token, by a short digest (never the token itself).
  const callers = Promise.all(
    tokens.map(async (token) => toHex((await sha256(token)).subarray(0, 8))),
  );
  const store = options.idempotencyStore ?? new MemoryIdempotencyStore();
  const log = options.log === false
    ? undefined
    : options.log ?? ((entry: AccessLogEntry) => console.log(JSON.stringify(entry)));

  const app = new Hono<Env>();
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    log?.({
      time: new Date().toISOString(),
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    });
  });
  app.use(secureHeaders());
  if (options.corsOrigins?.length) {
    app.use(cors({
      origin: options.corsOrigins,
      allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key"],
      allowMethods: ["GET", "POST"],
      exposeHeaders: ["X-Request-Id"],
      maxAge: 600,
    }));
  }
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.use(async (c, next) => {
    if (!client || tokens.length === 0) {
      return answer(
        c,
        problem("not-configured", "Set the WhiteBIT credentials and caller tokens."),
      );
    }
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer ([\x21-\x7e]{1,1024})$/i.exec(header);
    const presented = encoder.encode(match?.[1] ?? "");
    let found = -1;
    for (let i = 0; i < tokenBytes.length; i++) {
      if (timingSafeEqual(presented, tokenBytes[i])) found = i;
    }
    if (!match || found < 0) {
      return answer(c, problem("unauthorized", "Send Authorization: Bearer <token>."));
    }
    c.set("caller", (await callers)[found]);
    await next();
  });
  app.get("/openapi.json", (c) => c.json(OPENAPI_DOCUMENT));
  app.get(
    "/v1/plans",
    (c) => read(c, pick("ticker"), async (query) => ({ records: await client!.plans(query) })),
  );
  app.get("/v1/investments", (c) =>
    read(
      c,
      pick("id", "ticker", "status", "limit", "offset"),
      (query) => client!.investments(query),
    ));
  app.get("/v1/interest-payments", (c) =>
    read(
      c,
      pick("planId", "ticker", "limit", "offset"),
      (query) => client!.interestPayments(query),
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
    return await idempotent(c, store, JSON.stringify(params), async () => {
      const { id } = await client!.invest(params);
      return { status: 201, body: JSON.stringify({ id }), contentType: "application/json" };
    });
  });
  app.post("/v1/investments/:id/close", limitBody, async (c) => {
    const id = c.req.param("id");
    const text = await c.req.text();
    const invalid = checkFields({ id }, { id: assertIdentifier }, ["id"]) ??
      (text.trim() === "" ? undefined : await jsonEmptyObject(c, text));
    if (invalid) return answer(c, invalid);
    return await idempotent(c, store, "", async () => {
      await client!.closeInvestment(id);
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
 * Runs `execute` at most once per caller and `Idempotency-Key`: the same key
 * and body replay the stored answer; another body is refused; a duplicate
 * during the first is refused. Answers that say nothing was executed free
 * the key, so the same request can be sent again.
 */
async function idempotent(
  c: Context<Env>,
  store: IdempotencyStore,
  canonicalBody: string,
  execute: () => Promise<StoredResponse>,
): Promise<Response> {
  const run = (): Promise<StoredResponse & { outcome?: Outcome }> =>
    execute().catch((error) => problemResponse(problemFromError(error)));
  const key = c.req.header("idempotency-key");
  if (key === undefined) return send(c, await run());
  if (!IDEMPOTENCY_KEY.test(key)) {
    return answer(
      c,
      problem("invalid-request", "The Idempotency-Key header is invalid.", {
        outcome: "not_executed",
        fieldErrors: { "Idempotency-Key": ["Use 1 to 255 visible ASCII characters."] },
      }),
    );
  }
  const scoped = `${c.get("caller")}:${key}`;
  const fingerprint = `${c.req.method} ${c.req.path}\n${canonicalBody}`;
  const existing = await store.claim(scoped, fingerprint, IDEMPOTENCY_TTL_MS);
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
      problem("idempotency-key-in-flight", "Wait for the first request with this key to finish.", {
        outcome: "not_executed",
      }),
    );
  }
  if (existing?.state === "done") {
    c.header("Idempotent-Replayed", "true");
    return send(c, existing.response);
  }
  const result = await run();
  if (result.outcome === "not_executed") await store.release(scoped);
  else await store.complete(scoped, fingerprint, result, IDEMPOTENCY_TTL_MS);
  return send(c, result);
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
  rules: Record<string, Rule>,
  call: (query: Record<string, string | number>) => Promise<unknown>,
): Promise<Response> {
  const query: Record<string, string | number> = {};
  const repeated: Record<string, string[]> = {};
  for (const [name, value] of new URL(c.req.url).searchParams) {
    if (name in query) repeated[name] = ["Give it once."];
    query[name] = /^(?:0|[1-9]\d{0,15})$/.test(value) &&
        (name === "limit" || name === "offset" || name === "status")
      ? Number(value)
      : value;
  }
  const invalid = checkFields(query, rules, [], repeated);
  if (invalid) return answer(c, invalid);
  try {
    return c.json(await call(query));
  } catch (error) {
    return answer(c, problemFromError(error));
  }
}

/** Checks each field with its rule, requires `required`, and refuses unknown ones. */
function checkFields(
  value: Record<string, unknown>,
  rules: Record<string, Rule>,
  required: string[],
  fieldErrors: Record<string, string[]> = {},
): Problem | undefined {
  for (const [name, assert] of Object.entries(rules)) {
    try {
      if (!(name in value)) {
        if (required.includes(name)) throw new TypeError(`Cannot use "${name}": it is required`);
        continue;
      }
      assert(value[name], name);
    } catch (error) {
      fieldErrors[name] = [(error as Error).message];
    }
  }
  for (const name of Object.keys(value)) {
    if (!(name in rules)) fieldErrors[name] = ["Unknown field."];
  }
  return Object.keys(fieldErrors).length
    ? problem("invalid-request", "Some fields are invalid; nothing was sent to WhiteBIT.", {
      outcome: "not_executed",
      fieldErrors,
    })
    : undefined;
}

function problemResponse(p: Problem): StoredResponse & { outcome?: Outcome } {
  return {
    status: p.status,
    body: JSON.stringify(p),
    contentType: "application/problem+json",
    outcome: p.outcome,
  };
}

function answer(c: Context<Env>, p: Problem): Response {
  return send(c, problemResponse(p));
}

/** Sends a stored or fresh answer; problem bodies get this request's id. */
function send(c: Context<Env>, response: StoredResponse): Response {
  let body = response.body;
  if (response.contentType === "application/problem+json") {
    const p = JSON.parse(body) as Problem;
    if (p.status === 401) c.header("WWW-Authenticate", 'Bearer realm="lending"');
    const retryAfter = RETRY_AFTER[p.type];
    if (retryAfter) c.header("Retry-After", retryAfter);
    body = JSON.stringify({ ...p, requestId: c.get("requestId") });
  }
  if (response.status === 204) return c.body(null, 204);
  c.header("Content-Type", response.contentType);
  return c.body(body, response.status as 200);
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

let configured: { signature: string; app: LendingApp } | undefined;

function setting(env: unknown, name: string): string | undefined {
  if (isRecord(env) && typeof env[name] === "string") return env[name] as string;
  try {
    return typeof Deno === "undefined" ? undefined : Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: not configured
  }
}

function list(value: string | undefined): string[] {
  return (value ?? "").split(",").map((item) => item.trim()).filter(Boolean);
}

/**
 * The app configured from the environment: Workers bindings when present,
 * else the Deno environment. Built once per isolate, rebuilt only if the
 * configuration changes.
 *
 * @example
 * ```ts
 * import handler from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const response = await handler.fetch(new Request("http://localhost/healthz"), {});
 * strictEqual(response.status, 200);
 * ```
 */
const handler: LendingApp = {
  fetch(request, env, context) {
    const apiKey = setting(env, "WHITEBIT_API_KEY");
    const apiSecret = setting(env, "WHITEBIT_API_SECRET");
    const baseUrl = setting(env, "WHITEBIT_BASE_URL");
    const tokens = list(setting(env, "LENDING_API_TOKENS"));
    const corsOrigins = list(setting(env, "LENDING_CORS_ORIGINS"));
    const signature = JSON.stringify([apiKey, apiSecret, baseUrl, tokens, corsOrigins]);
    if (configured?.signature !== signature) {
      const client = apiKey && apiSecret
        ? { apiKey, apiSecret, baseUrl: baseUrl || undefined }
        : undefined;
      configured = { signature, app: createApp({ client, tokens, corsOrigins }) };
    }
    return configured.app.fetch(request, env, context);
  },
};

export default handler;
