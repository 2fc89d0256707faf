/**
 * The OpenAPI 3.1 description of the HTTP server's routes, served at
 * `GET /openapi.json`. The routes to WhiteBIT are described from the route
 * table, their parameters and bodies from the client's endpoint table (each
 * parameter's JSON Schema, and which are required): nothing of them is
 * written twice. The answers' schemas are written here.
 *
 * @example
 * ```ts
 * import { OPENAPI_DOCUMENT } from "@lending/whitebit/server";
 * import { ok } from "node:assert/strict";
 *
 * ok("/v1/investments" in OPENAPI_DOCUMENT.paths);
 * ```
 *
 * @module
 */

import { type Route, ROUTES, SERVED_ENDPOINTS } from "./_routes.ts";

const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});
const json = (description: string, schema?: object) => ({
  description,
  content: { "application/json": schema ? { schema } : {} },
});

const IDEMPOTENCY_KEY = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    'A key of 1-255 visible ASCII characters, bare or as a quoted string ("abc" is the key abc). Keys belong to the WhiteBIT account this server acts for, shared by every caller token. The same key with the same request within 24 h replays the stored answer without calling WhiteBIT (Idempotent-Replayed: true); with another request: 422; while the first is in flight: 409 with outcome unknown. If the server holding it stopped mid-call, the first retry after its lease (60 s) reconciles it: answered as the first call was (Idempotent-Reconciled: found), or carried out now (Idempotent-Reconciled: not-found).',
  schema: { type: "string", maxLength: 255 },
};
const BUSY = problemResponse(
  "Not configured (not-configured); a repeated nonce (upstream-busy); the host clock outside WhiteBIT's 5 s window after re-reading its time (clock-skew, with clockOffsetMs); no rate-limit slot within 15 s, or not before the Idempotency-Key's lease would run out (server-busy); this instance holds no nonce lane of the key (nonce-lane-unavailable) or is stopping (server-stopping); for an Idempotency-Key, the store full (idempotency-store-full) or failing (idempotency-store-unavailable). All these but not-configured carry outcome not_executed and Retry-After. A dead server's Idempotency-Key that could not be reconciled yet (idempotency-reconciliation-failed) carries outcome unknown.",
);
const IN_FLIGHT = problemResponse(
  "Same Idempotency-Key in flight, or its server stopped before keeping the answer: outcome unknown, Retry-After 1",
);

/** What an `unknown` outcome of a state-changing call carries. */
const RECONCILE = "reconcile with requestPath, params and attemptedAt";
/** The schemas of the answers that have one, by the endpoint called. */
const ANSWER_SCHEMAS: Partial<Record<Route["endpoint"], object>> = {
  invest: { $ref: "#/components/schemas/Created" },
  "flex.invest": { $ref: "#/components/schemas/FlexTransaction" },
  "flex.withdraw": { $ref: "#/components/schemas/FlexTransaction" },
  "flex.close": { $ref: "#/components/schemas/FlexTransaction" },
};

/** One route's operation: its parameters and body from its endpoint's, its answers from its line. */
function operation(route: Route): Record<string, unknown> {
  const endpoint = SERVED_ENDPOINTS[route.endpoint];
  const params = Object.entries(endpoint.params);
  const required: readonly string[] = endpoint.required;
  const parameters = [
    ...(route.from === "body" ? [] : params.map(([name, param]) => ({
      name,
      in: route.from,
      required: route.from === "path" || required.includes(name),
      schema: param.schema,
    }))),
    ...(route.idempotent ? [IDEMPOTENCY_KEY] : []),
  ];
  const object = (properties: object, names: readonly string[]) => ({
    "application/json": {
      schema: {
        type: "object",
        additionalProperties: false,
        ...(names.length ? { required: names, properties } : {}),
      },
    },
  });
  const requestBody = route.from === "body"
    ? {
      required: true,
      content: object(Object.fromEntries(params.map(([name, p]) => [name, p.schema])), required),
    }
    : route.method === "POST"
    ? { required: false, description: "None, or an empty JSON object", content: object({}, []) }
    : undefined;
  return {
    summary: route.summary,
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      [route.status]: route.status === 204
        ? { description: route.answer }
        : json(route.answer, ANSWER_SCHEMAS[route.endpoint]),
      "400": problemResponse(
        route.from === "query"
          ? "Invalid, unknown or repeated parameters; nothing sent to WhiteBIT"
          : "Invalid request (fieldErrors); nothing sent to WhiteBIT",
      ),
      "401": problemResponse("Missing or wrong bearer token"),
      ...(route.idempotent ? { "409": IN_FLIGHT } : {}),
      ...(route.method === "POST"
        ? {
          "413": problemResponse("Body over 4 KiB"),
          "415": problemResponse("A body that is not application/json"),
        }
        : {}),
      "422": problemResponse(
        `Refused by WhiteBIT (reason, fieldErrors; outcome not_executed)${
          route.idempotent ? ", or Idempotency-Key reused" : ""
        }`,
      ),
      "429": problemResponse("WhiteBIT's rate limit; outcome not_executed"),
      "502": problemResponse(
        `WhiteBIT failed or refused this server's credentials; see outcome${
          endpoint.stateChanging ? ` (unknown: ${RECONCILE})` : ""
        }`,
      ),
      "503": BUSY,
      "504": problemResponse(
        `WhiteBIT did not answer in time${
          endpoint.stateChanging ? `; outcome unknown (${RECONCILE})` : ""
        }`,
      ),
    },
  };
}

/** The routes to WhiteBIT, by OpenAPI path (`:id` becomes `{id}`) and method. */
function paths(): Record<string, Record<string, unknown>> {
  const described: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const path = route.path.replace(/:(\w+)/g, "{$1}");
    (described[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return described;
}

/**
 * The OpenAPI document.
 *
 * @example
 * ```ts
 * import { OPENAPI_DOCUMENT } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(OPENAPI_DOCUMENT.openapi, "3.1.0");
 * ```
 */
export const OPENAPI_DOCUMENT: {
  openapi: string;
  paths: Record<string, unknown>;
  [key: string]: unknown;
} = {
  openapi: "3.1.0",
  info: {
    title: "@lending/whitebit server",
    version: "0.1.0",
    description:
      "WhiteBIT fixed-term lending behind bearer tokens. Errors are RFC 9457 problem documents; `outcome` says whether WhiteBIT may have acted.",
  },
  security: [{ bearer: [] }],
  paths: {
    "/healthz": {
      get: {
        summary: "Liveness; no authentication, never calls WhiteBIT",
        security: [],
        responses: {
          "200": json('Configured: { "status": "ok" }'),
          "503": json(
            'Not configured: { "status": "not-configured", "missing": [names of settings or options] }',
          ),
        },
      },
    },
    "/openapi.json": {
      get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } },
    },
    ...paths(),
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    schemas: {
      Created: {
        type: "object",
        required: ["id"],
        properties: { id: { type: "string" } },
      },
      FlexTransaction: {
        type: "object",
        required: ["transactionId"],
        properties: { transactionId: { type: "string" } },
      },
      Problem: {
        type: "object",
        required: ["type", "title", "status", "detail"],
        properties: {
          type: { type: "string" },
          title: { type: "string" },
          status: { type: "integer" },
          detail: { type: "string", maxLength: 2000 },
          outcome: { enum: ["not_executed", "unknown"] },
          reason: { type: "string" },
          fieldErrors: {
            type: "object",
            additionalProperties: { type: "array", items: { type: "string" } },
          },
          requestPath: {
            type: "string",
            description:
              "Outcome unknown of an investment, a close or a flex invest, withdraw, close or auto-invest: the WhiteBIT path called",
          },
          params: {
            type: "object",
            description:
              "Outcome unknown: what was sent ({ planId, amount }, { id }, or flex's { plan, amount? })",
          },
          attemptedAt: {
            type: "integer",
            description: "Outcome unknown: Unix milliseconds when the request was signed",
          },
          clockOffsetMs: {
            type: "integer",
            description: "clock-skew: WhiteBIT's clock minus this server's, in milliseconds",
          },
          requestId: { type: "string" },
        },
      },
    },
  },
};
