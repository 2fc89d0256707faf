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
import { MemoryIdempotencyStore } from "./memory_store.ts";
import type { AccessLogEntry, CreateAppOptions, LendingApp } from "./options.ts";
import { answer, send, type ServerEnv } from "./_answer.ts";
import { bearerAuth, isBearerToken } from "./_auth.ts";
import { type Call, type Deps, run } from "./_call.ts";
import { Drain } from "./_drain.ts";
import { IDEMPOTENCY_TTL_MS } from "./_held_key.ts";
import { SEND_MARGIN_MS } from "./_send_window.ts";
import { accountDigest, idempotent } from "./_idempotency_key.ts";
import { LaneKeeper } from "./_lane_keeper.ts";
import { fixedSenders, leasedSenders } from "./_senders.ts";
import { MAX_LANES } from "../client/_nonces.ts";
import type { WhiteBitClientOptions } from "../client/options.ts";
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
  const maxWaitMs = whole("maxWaitMs", options.maxWaitMs ?? 15_000, 0, MAX_TIMER_MS);
  const leaseMs = whole(
    "idempotencyLeaseMs",
    options.idempotencyLeaseMs ?? 60_000,
    SEND_MARGIN_MS + 5_000,
    IDEMPOTENCY_TTL_MS,
  );
  const lanes = options.nonceLanes;
  if (lanes) {
    whole("nonceLanes.count", lanes.count, 1, MAX_LANES);
    whole("nonceLanes.leaseMs", lanes.leaseMs ?? 30_000, 10_000, MAX_TIMER_MS);
    if (options.client instanceof WhiteBitClient) {
      throw new TypeError(
        'Cannot create app: with "nonceLanes", pass the client\'s options, not a WhiteBitClient: the app makes one client per lane',
      );
    }
  }
  const client = options.client instanceof WhiteBitClient
    ? options.client
    : options.client && new WhiteBitClient(options.client);
  const absent = missing ?? [...(client ? [] : ["client"]), ...(tokens.length ? [] : ["tokens"])];
  const log = options.log === false
    ? undefined
    : options.log ?? ((entry: AccessLogEntry) => console.log(JSON.stringify(entry)));
  const now = options.now ??
    (options.client instanceof WhiteBitClient ? undefined : options.client?.now) ?? Date.now;

  const app = new Hono<ServerEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const warning = c.get("warning");
    const events = c.get("events");
    const eventsDropped = c.get("eventsDropped");
    const reconciled = c.get("reconciled");
    try {
      log?.({
        time: new Date().toISOString(),
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        ...(warning ? { warning } : {}),
        ...(reconciled ? { reconciled } : {}),
        ...(events ? { events } : {}),
        ...(eventsDropped ? { eventsDropped } : {}),
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
      exposeHeaders: [
        "X-Request-Id",
        "Retry-After",
        "Idempotent-Replayed",
        "Idempotent-Reconciled",
      ],
      maxAge: 600,
    }));
  }
  if (!client || absent.length) {
    app.get("/healthz", (c) => c.json({ status: "not-configured", missing: absent }, 503));
    app.all("*", (c) =>
      answer(
        c,
        problem(
          "not-configured",
          `Missing: ${absent.join(", ")}. Nothing is sent to WhiteBIT until they are set.`,
        ),
      ));
    return {
      fetch: (request, env, context) => app.fetch(request, env, context as never),
      close: () => Promise.resolve(),
    };
  }
  const scope = options.idempotencyScope !== undefined
    ? Promise.resolve(options.idempotencyScope)
    : accountDigest([
      client.baseUrl,
      options.client instanceof WhiteBitClient ? "" : options.client?.apiKey ?? "",
    ]);
  const instance = crypto.randomUUID();
  // WhiteBIT's clock as `client` corrects it: with lanes, every lane's client takes it too.
  const clock = () => now() + client.clockOffsetMs;
  const drain = new Drain();
  const deps: Deps = {
    senders: lanes
      ? leasedSenders(
        options.client as WhiteBitClientOptions,
        new LaneKeeper({
          store: lanes.store,
          scope,
          count: lanes.count,
          leaseMs: lanes.leaseMs ?? 30_000,
          holder: instance,
          now: clock,
          correct: () => client.syncTime(),
        }),
        client,
      )
      : fixedSenders(client),
    store: options.idempotencyStore ?? new MemoryIdempotencyStore(),
    maxWaitMs,
    scope,
    instance,
    leaseMs,
    clock,
  };
  app.get("/healthz", async (c) => {
    if (drain.stopping) return c.json({ status: "stopping" }, 503);
    if (!lanes) return c.json({ status: "ok" });
    const sender = await deps.senders.take();
    return "type" in sender
      ? c.json({ status: "no-nonce-lane", detail: sender.detail }, 503)
      : c.json({ status: "ok" });
  });
  app.use(bearerAuth(tokens));
  app.get("/openapi.json", (c) => c.json(OPENAPI_DOCUMENT));
  for (const route of ROUTES) {
    const handler = (c: Context<ServerEnv>) =>
      drain.run((stop) => {
        c.set("stop", stop);
        return handle(c, deps, route);
      }, (p) => answer(c, p));
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
  return {
    fetch: (request, env, context) => app.fetch(request, env, context as never),
    close: async () => {
      // Every request sent before the stop has its answer (or gave up) within the client's timeout.
      await drain.stop(client.timeoutMs + 1_000);
      await deps.senders.close();
    },
  };
}

/** A whole-number option from `min` to `max`, or a `RangeError` naming it. */
function whole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      mustBe("create app", `"${name}"`, `a whole number from ${min} to ${max}`, value),
    );
  }
  return value;
}

/**
 * Answers one route of the table: its parameters read and checked, then
 * its client call, at most once per `Idempotency-Key` where it honours one.
 */
async function handle(c: Context<ServerEnv>, deps: Deps, route: Route): Promise<Response> {
  const read = await readParams(c, route);
  if ("problem" in read) return answer(c, read.problem);
  const call: Call = async (client, options) => {
    const body = await route.call(client, read.params, options);
    return route.status === 204
      ? { status: 204, body: "", contentType: "" }
      : { status: route.status, body: JSON.stringify(body), contentType: "application/json" };
  };
  if (route.idempotent) return await idempotent(c, deps, route, read, call);
  const sender = await deps.senders.take();
  return "type" in sender ? answer(c, sender) : send(c, await run(c, deps, sender, call));
}
