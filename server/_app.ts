/**
 * The Hono app behind `createApp()` and the default export, in the order a
 * request meets it: a request id, the access log, secure headers, CORS,
 * `/healthz` (no token), the 503 of an app that is not configured, bearer
 * tokens, then `/openapi.json` and the route table, each route's path
 * answering 405 with `Allow` for the methods the table lists, and a 404
 * problem for anything else.
 *
 * @example
 * ```ts
 * import { buildApp } from "./_app.ts";
 * import { WhiteBitSandbox } from "../testing.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const app = buildApp({
 *   client: { ...sandbox.credentials, fetch: sandbox.fetch },
 *   tokens: ["t"],
 *   log: false,
 * });
 * const response = await app.fetch(
 *   new Request("http://localhost/v1/plans", { method: "PUT", headers: { authorization: "Bearer t" } }),
 * );
 * strictEqual(response.status, 405);
 * strictEqual(response.headers.get("allow"), "GET, HEAD");
 * ```
 *
 * @module
 */

import { type Context, Hono } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { WhiteBitClient } from "../client.ts";
import { mustBe } from "../client/_validate.ts";
import { MemoryIdempotencyStore } from "./idempotency.ts";
import type { AccessLogEntry, CreateAppOptions, LendingApp } from "./options.ts";
import { answer, send, type ServerEnv } from "./_answer.ts";
import { bearerAuth, isBearerToken } from "./_auth.ts";
import { type Call, type Deps, run } from "./_call.ts";
import { accountDigest, idempotent } from "./_idempotency_key.ts";
import { NonceWindowHealer } from "./_nonce_window.ts";
import { OPENAPI_DOCUMENT } from "./_openapi.ts";
import { limitBody, readParams } from "./_params.ts";
import { problem } from "./_problem.ts";
import { type Route, ROUTES } from "./_routes.ts";

const MAX_TIMER_MS = 2 ** 31 - 1;
/** The server's own routes, which call no one: `GET` only. */
const OWN_PATHS = ["/healthz", "/openapi.json"];

/**
 * The methods each path answers, from the route table and the server's own
 * routes: the `Allow` of its 405. A `GET` route answers `HEAD` too.
 */
const ALLOWED: ReadonlyMap<string, string[]> = (() => {
  const allowed = new Map(OWN_PATHS.map((path) => [path, ["GET", "HEAD"]]));
  for (const { method, path } of ROUTES) {
    const methods = new Set([...allowed.get(path) ?? [], method]);
    if (method === "GET") methods.add("HEAD");
    allowed.set(path, [...methods].sort());
  }
  return allowed;
})();

/**
 * Builds the app; `missing` names what keeps it from working, for
 * `/healthz` (default: the options `client` and `tokens`, where absent).
 *
 * @param options As `createApp()` takes them.
 * @param missing What `/healthz` names as missing, when the caller knows better.
 * @returns The app.
 * @throws {TypeError} If a token holds characters a bearer token cannot (never shown), or the client's options are unusable.
 * @throws {RangeError} If `maxWaitMs` is out of range.
 */
export function buildApp(options: CreateAppOptions, missing?: string[]): LendingApp {
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
  const log = options.log === false
    ? undefined
    : options.log ?? ((entry: AccessLogEntry) => console.log(JSON.stringify(entry)));

  const app = new Hono<ServerEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const warning = c.get("warning");
    try {
      log?.({
        time: new Date().toISOString(),
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        ...(warning ? { warning } : {}),
      });
    } catch {
      // A log that fails (a full disk) must never replace the answer: the
      // investment it reports was made, and its caller must learn so.
    }
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
      : accountDigest([
        client.baseUrl,
        options.client instanceof WhiteBitClient ? "" : options.client?.apiKey ?? "",
      ]),
  };
  app.use(bearerAuth(tokens));
  app.get("/openapi.json", (c) => c.json(OPENAPI_DOCUMENT));
  for (const route of ROUTES) {
    const handler = (c: Context<ServerEnv>) => handle(c, deps, route);
    if (route.from === "query") app.on(route.method, route.path, handler);
    else app.on(route.method, route.path, limitBody, handler);
  }
  for (const [path, methods] of ALLOWED) {
    app.all(path, (c) => {
      c.header("Allow", methods.join(", "));
      return answer(c, problem("method-not-allowed", `Use ${methods.join(" or ")}.`));
    });
  }
  app.notFound((c) => answer(c, problem("not-found", `${c.req.method} ${c.req.path}`)));
  app.onError((_error, c) => answer(c, problem("internal", "The server failed unexpectedly.")));
  return { fetch: (request, env, context) => app.fetch(request, env, context as never) };
}

/**
 * Answers one route of the table: its parameters read and checked, then
 * its client call, at most once per `Idempotency-Key` where it honours one.
 */
async function handle(c: Context<ServerEnv>, deps: Deps, route: Route): Promise<Response> {
  const read = await readParams(c, route);
  if ("problem" in read) return answer(c, read.problem);
  const call: Call = async (options) => {
    const body = await route.call(deps.client, read.params, options);
    return route.status === 204
      ? { status: 204, body: "", contentType: "" }
      : { status: route.status, body: JSON.stringify(body), contentType: "application/json" };
  };
  return route.idempotent
    ? await idempotent(c, deps, read.canonical, call)
    : send(c, await run(c, deps, call));
}
