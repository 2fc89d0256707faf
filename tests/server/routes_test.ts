import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";

import { OPENAPI_DOCUMENT } from "../../server.ts";
import { ROUTES, SERVED_ENDPOINTS } from "../../server/_routes.ts";
import { problemOf, setupServer } from "../_fixtures.ts";

// The route table feeds the routes, their 405 answers and the OpenAPI
// document; each endpoint's parameters are written once, in ENDPOINTS.

/** What each path answers, as the routes and the 405s promise it: a contract. */
const ALLOW: Record<string, string> = {
  "/healthz": "GET, HEAD",
  "/openapi.json": "GET, HEAD",
  "/v1/plans": "GET, HEAD",
  "/v1/investments": "GET, HEAD, POST",
  "/v1/investments/:id/close": "POST",
  "/v1/interest-payments": "GET, HEAD",
  "/v1/flex/plans": "GET, HEAD",
  "/v1/flex/investments": "GET, HEAD",
  "/v1/flex/history": "GET, HEAD",
  "/v1/flex/payments": "GET, HEAD",
  "/v1/flex/invest": "POST",
  "/v1/flex/withdraw": "POST",
  "/v1/flex/close": "POST",
  "/v1/flex/auto-invest": "POST",
};
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

Deno.test("route table: every route's parameters are its endpoint's; a path route names each in its path", () => {
  for (const route of ROUTES) {
    const endpoint = SERVED_ENDPOINTS[route.endpoint];
    ok(endpoint, `${route.method} ${route.path}`);
    if (route.from === "path") {
      deepStrictEqual(
        [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => name),
        Object.keys(endpoint.params),
        route.path,
      );
    } else ok(!route.path.includes(":"), `${route.path} reads no path parameter`);
    strictEqual(route.from === "query", route.method === "GET", `${route.path}: a read is a GET`);
  }
  deepStrictEqual(
    [...new Set(ROUTES.map(({ endpoint }) => endpoint))].sort(),
    Object.keys(SERVED_ENDPOINTS).sort(),
    "every endpoint has a route",
  );
});

Deno.test("route table: a route that can move funds honours Idempotency-Key, a read does not", () => {
  for (const route of ROUTES) {
    strictEqual(
      route.idempotent,
      SERVED_ENDPOINTS[route.endpoint].stateChanging,
      `${route.method} ${route.path}`,
    );
  }
});

Deno.test("route table: each path answers the methods it lists, and 405 with them in Allow to any other", async () => {
  deepStrictEqual(
    [...new Set(ROUTES.map(({ path }) => path))].sort(),
    Object.keys(ALLOW).filter((path) => path.startsWith("/v1/")).sort(),
  );
  const { sandbox, call } = setupServer();
  for (const [path, allow] of Object.entries(ALLOW)) {
    const url = path.replace(":id", "no-such-id");
    for (const method of METHODS) {
      const response = await call(url, { method });
      const listed = allow.split(", ").includes(method);
      if (listed) {
        await response.body?.cancel();
        ok(![404, 405].includes(response.status), `${method} ${path} → ${response.status}`);
        continue;
      }
      strictEqual(response.status, 405, `${method} ${path}`);
      strictEqual(response.headers.get("allow"), allow, `${method} ${path}`);
      if (method !== "HEAD") {
        strictEqual((await problemOf(response)).detail, `Use ${allow.split(", ").join(" or ")}.`);
      }
    }
  }
  const closes = sandbox.requests.filter((request) => request.path.endsWith("/close"));
  strictEqual(closes.length, 1, "only the POST of the close route reached WhiteBIT");
});

Deno.test("route table: a lookalike path is 404, not 405; without a token every method is 401", async () => {
  const { sandbox, call } = setupServer();
  const lookalikes = [
    "/v1/plans/",
    "/V1/plans",
    "/v1/investments/",
    "/v1/investments/x",
    "/v1/investments//close",
    "/v1/investments/a/b/close",
    "/v1/investments/x/close/",
    "/healthz/x",
  ];
  for (const path of lookalikes) {
    for (const method of ["GET", "POST", "DELETE"]) {
      const response = await call(path, { method });
      strictEqual(response.status, 404, `${method} ${path}`);
      strictEqual(response.headers.get("allow"), null, `${method} ${path}`);
      await response.body?.cancel();
    }
  }
  for (const path of [...Object.keys(ALLOW), ...lookalikes]) {
    for (const method of METHODS) {
      if (path === "/healthz" && ALLOW[path].includes(method)) continue; // no token needed
      const response = await call(path.replace(":id", "x"), { method, token: null });
      strictEqual(response.status, 401, `${method} ${path}`);
      strictEqual(response.headers.get("allow"), null, `${method} ${path}`);
      await response.body?.cancel();
    }
  }
  strictEqual(sandbox.requests.length, 0);
});

Deno.test("OpenAPI: the routes of the table, their parameters and bodies from ENDPOINTS", () => {
  const paths = OPENAPI_DOCUMENT.paths as Record<string, Record<string, Record<string, unknown>>>;
  deepStrictEqual(
    Object.keys(paths).sort(),
    Object.keys(ALLOW).map((path) => path.replace(":id", "{id}")).sort(),
  );
  for (const route of ROUTES) {
    const endpoint = SERVED_ENDPOINTS[route.endpoint];
    const required: readonly string[] = endpoint.required;
    const operation = paths[route.path.replace(":id", "{id}")][route.method.toLowerCase()];
    const where = `${route.method} ${route.path}`;
    ok(operation, where);
    const parameters = (operation.parameters ?? []) as Record<string, unknown>[];
    const header = parameters.filter((parameter) => parameter.in === "header");
    deepStrictEqual(header.map(({ name }) => name), route.idempotent ? ["Idempotency-Key"] : []);
    const body = operation.requestBody as
      | { required: boolean; content: Record<string, { schema: Record<string, unknown> }> }
      | undefined;
    if (route.from === "body") {
      const schema = body!.content["application/json"].schema;
      strictEqual(body!.required, true, where);
      deepStrictEqual(schema.properties, schemasOf(endpoint.params), where);
      deepStrictEqual(schema.required, required, where);
      strictEqual(schema.additionalProperties, false, where);
    } else {
      deepStrictEqual(
        parameters.filter((parameter) => parameter.in !== "header"),
        Object.entries(endpoint.params).map(([name, { schema }]) => ({
          name,
          in: route.from,
          required: route.from === "path" || required.includes(name),
          schema,
        })),
        where,
      );
      strictEqual(body?.required ?? false, false, `${where}: no body required`);
    }
    ok(
      (operation.responses as Record<string, unknown>)[route.status],
      `${where} → ${route.status}`,
    );
  }
});

const schemasOf = (params: Record<string, { schema: unknown }>) =>
  Object.fromEntries(Object.entries(params).map(([name, { schema }]) => [name, schema]));

Deno.test("routes: every route that honours Idempotency-Key names its reconciliation, and only those", () => {
  for (const route of ROUTES) {
    strictEqual(route.reconcile !== undefined, route.idempotent, `${route.method} ${route.path}`);
  }
});
