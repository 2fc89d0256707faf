/**
 * The OpenAPI 3.1 description of the HTTP server's routes, served at
 * `GET /openapi.json`.
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

import { MAX_LIMIT, MAX_OFFSET } from "../client/_paths.ts";
import { AMOUNT_PATTERN, IDENTIFIER_PATTERN } from "../client/_validate.ts";

const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

const identifier = { type: "string", pattern: IDENTIFIER_PATTERN.source };
const query = (name: string, schema: object) => ({ name, in: "query", required: false, schema });
const json = (description: string) => ({ description, content: { "application/json": {} } });
const PAGING = [
  query("limit", { type: "integer", minimum: 1, maximum: MAX_LIMIT }),
  query("offset", { type: "integer", minimum: 0, maximum: MAX_OFFSET }),
];
const IDEMPOTENCY_KEY = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    'A key of 1-255 visible ASCII characters, bare or as a quoted string ("abc" is the key abc). Keys belong to the WhiteBIT account this server acts for, shared by every caller token. The same key with the same request within 24 h replays the stored answer without calling WhiteBIT (Idempotent-Replayed: true); with another request: 422; while the first is in flight: 409 with outcome unknown.',
  schema: { type: "string", maxLength: 255 },
};
const BUSY = problemResponse(
  "Not configured (not-configured); a repeated nonce (upstream-busy); the host clock outside WhiteBIT's 5 s window after re-reading its time (clock-skew, with clockOffsetMs); no rate-limit slot within 15 s (server-busy); for an Idempotency-Key, the store full (idempotency-store-full) or failing (idempotency-store-unavailable). All but not-configured carry outcome not_executed and Retry-After.",
);
const READ_PROBLEMS = {
  "400": problemResponse("Invalid, unknown or repeated parameters; nothing sent to WhiteBIT"),
  "401": problemResponse("Missing or wrong bearer token"),
  "502": problemResponse("WhiteBIT failed or refused this server's credentials; see outcome"),
  "503": BUSY,
  "504": problemResponse("WhiteBIT did not answer in time"),
};
const IN_FLIGHT = problemResponse(
  "Same Idempotency-Key in flight, or its server stopped before keeping the answer: outcome unknown, Retry-After 1",
);

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
    "/v1/plans": {
      get: {
        summary: "Fixed plans open through the API (WhiteBIT Get plans)",
        parameters: [query("ticker", identifier)],
        responses: {
          "200": json("{ records: FixedPlan[] }; decimals are strings, duration in minutes"),
          ...READ_PROBLEMS,
        },
      },
    },
    "/v1/interest-payments": {
      get: {
        summary: "Interest payments, one page (newest first)",
        parameters: [
          query("planId", identifier),
          query("ticker", identifier),
          ...PAGING,
        ],
        responses: {
          "200": json("{ offset, limit, records: InterestPayment[] }; timestamps in Unix seconds"),
          ...READ_PROBLEMS,
        },
      },
    },
    "/v1/investments/{id}/close": {
      post: {
        summary: "Close an investment early (WhiteBIT Close investment)",
        parameters: [
          { name: "id", in: "path", required: true, schema: identifier },
          IDEMPOTENCY_KEY,
        ],
        requestBody: {
          required: false,
          description: "None, or an empty JSON object",
          content: {
            "application/json": { schema: { type: "object", additionalProperties: false } },
          },
        },
        responses: {
          "204": { description: "Closed: the amount is back on the main balance" },
          ...READ_PROBLEMS,
          "409": IN_FLIGHT,
          "422": problemResponse(
            "Already closed (reason already_closed), or Idempotency-Key reused",
          ),
        },
      },
    },
    "/v1/investments": {
      get: {
        summary: "Investments, one page (newest first)",
        parameters: [
          query("id", identifier),
          query("ticker", identifier),
          query("status", { type: "integer", enum: [1, 2], description: "1 active, 2 closed" }),
          ...PAGING,
        ],
        responses: {
          "200": json(
            "{ offset, limit, records: Investment[] }; created/updated/paymentTime in Unix seconds",
          ),
          ...READ_PROBLEMS,
        },
      },
      post: {
        summary: "Create a fixed-term investment (WhiteBIT Invest)",
        parameters: [IDEMPOTENCY_KEY],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                additionalProperties: false,
                required: ["planId", "amount"],
                properties: {
                  planId: identifier,
                  amount: {
                    type: "string",
                    pattern: AMOUNT_PATTERN.source,
                    description: 'A positive decimal string such as "100" or "0.5"',
                  },
                },
              },
            },
          },
        },
        responses: {
          "201": {
            description: "Created",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["id"],
                  properties: { id: { type: "string" } },
                },
              },
            },
          },
          "400": problemResponse("Invalid request (fieldErrors); nothing sent to WhiteBIT"),
          "401": problemResponse("Missing or wrong bearer token"),
          "409": IN_FLIGHT,
          "413": problemResponse("Body over 4 KiB"),
          "415": problemResponse("Not application/json"),
          "422": problemResponse(
            "Refused by WhiteBIT (reason, fieldErrors) or Idempotency-Key reused",
          ),
          "429": problemResponse("WhiteBIT's rate limit; outcome not_executed"),
          "502": problemResponse(
            "WhiteBIT failed or refused this server's credentials; see outcome (unknown: reconcile with requestPath, params and attemptedAt)",
          ),
          "503": BUSY,
          "504": problemResponse(
            "WhiteBIT did not answer in time; outcome unknown (reconcile with requestPath, params and attemptedAt)",
          ),
        },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    schemas: {
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
            description: "Outcome unknown of an investment or a close: the WhiteBIT path called",
          },
          params: {
            type: "object",
            description:
              "Outcome unknown of an investment or a close: what was sent ({ planId, amount } or { id })",
          },
          attemptedAt: {
            type: "integer",
            description:
              "Outcome unknown of an investment or a close: Unix milliseconds when the request was signed",
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
