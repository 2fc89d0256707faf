import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  AuthenticationError,
  CloseRejectedError,
  type CloseRejectionReason,
  InvestmentRejectedError,
  type InvestmentRejectionReason,
  NonceError,
  type Outcome,
  PermissionError,
  RateLimitError,
  ServerError,
  ValidationError,
  WhiteBitError,
  type WhiteBitErrorName,
} from "../../mod.ts";
import { errorFromResponse } from "../../client/_answer_errors.ts";

const INVEST = "/api/v4/main-account/smart/investment";
const CLOSE = "/api/v4/main-account/smart/investment/close";
const HTML_429 = "<html><head><title>429 Too Many Requests</title></head></html>";

interface Case {
  name: string;
  status: number;
  text: string;
  type: typeof WhiteBitError;
  outcome: Outcome;
  code?: number;
  fieldErrors?: Record<string, string[]>;
  reason?: InvestmentRejectionReason;
  closeReason?: CloseRejectionReason;
  path?: string;
}

const validation = (field: string, message: string): Case => ({
  name: `400 ${field}: ${message}`,
  status: 400,
  text: JSON.stringify({ code: 0, message: "Validation failed", errors: { [field]: [message] } }),
  type: ValidationError,
  outcome: "not_executed",
  code: 0,
  fieldErrors: { [field]: [message] },
});

const rejected = (code: number, message: string, reason: InvestmentRejectionReason): Case => ({
  name: `422 code ${code}`,
  status: 422,
  text: JSON.stringify({ code, message: "Inner validation failed", errors: { amount: [message] } }),
  type: InvestmentRejectedError,
  outcome: "not_executed",
  code,
  fieldErrors: { amount: [message] },
  reason,
});

const CASES: Case[] = [
  validation("planId", "The selected planId is invalid."),
  validation("planId", "Plan is disabled"),
  validation("planId", "Plan is inactive"),
  validation("planId", "There are no coins left in the plan"),
  validation("planId", "Plan is paused"),
  validation("planId", "Special offers are not available via API"),
  validation("amount", "The amount field must be a valid number"),
  validation("amount", "The amount must be at least 0.000001."),
  validation("amount", "Invalid decimal amount"),
  validation(
    "amount",
    "The amount you are trying to invest is bigger than the amount left in this SMART plan. Please try investing a smaller amount.",
  ),
  {
    name: "400 with both fields",
    status: 400,
    text:
      '{"code":0,"message":"Validation failed","errors":{"planId":["The selected planId is invalid."],"amount":["The amount field must be a valid number"]}}',
    type: ValidationError,
    outcome: "not_executed",
    code: 0,
    fieldErrors: {
      planId: ["The selected planId is invalid."],
      amount: ["The amount field must be a valid number"],
    },
  },
  {
    name: "400 code 9 invalid payload",
    status: 400,
    text: '{"code":9,"message":"Invalid payload."}',
    type: ValidationError,
    outcome: "not_executed",
    code: 9,
    fieldErrors: {},
  },
  {
    name: "401 unauthorized",
    status: 401,
    text: '{"code":10,"message":"Unauthorized request."}',
    type: AuthenticationError,
    outcome: "not_executed",
    code: 10,
  },
  {
    name: "403 key disabled",
    status: 403,
    text: '{"code":2,"message":"This action is unauthorized. Enable your key in API settings"}',
    type: PermissionError,
    outcome: "not_executed",
    code: 2,
  },
  {
    name: "403 B2B gate, message as a nested array",
    status: 403,
    text:
      `{"success":false,"message":[["You don't have permission to use this endpoint. Please contact support for more details"]],"result":[]}`,
    type: PermissionError,
    outcome: "not_executed",
  },
  rejected(1, "The investment in this investment plan already exists", "investment_exists"),
  rejected(2, "Amount is less than min investment", "amount_below_minimum"),
  rejected(3, "Amount is more than max investment", "amount_above_maximum"),
  rejected(4, "Available 9 < 10", "insufficient_balance"),
  rejected(5, "Not enough money to pay interest", "plan_cannot_cover_interest"),
  // WhiteBIT changed these texts on 2026-05-27 and kept the codes: the code decides.
  rejected(4, "Insufficient funds on main balance", "insufficient_balance"),
  rejected(2, "Not enough money to pay interest", "amount_below_minimum"),
  rejected(77, "Something new", "unknown"),
  {
    name: "422 with errors as []",
    status: 422,
    text: '{"code":3,"message":"Inner validation failed","errors":[]}',
    type: InvestmentRejectedError,
    outcome: "not_executed",
    code: 3,
    fieldErrors: {},
    reason: "amount_above_maximum",
  },
  {
    name: "429 JSON: a nonce problem",
    status: 429,
    text: '{"code":0,"errors":{},"message":"Too many requests."}',
    type: NonceError,
    outcome: "not_executed",
    code: 0,
  },
  {
    name: "nonce window message",
    status: 400,
    text: '{"code":0,"message":"Your nonce is more than 5 seconds lesser than the current nonce."}',
    type: NonceError,
    outcome: "not_executed",
    code: 0,
  },
  {
    name: "429 HTML: the gateway's rate limit",
    status: 429,
    text: HTML_429,
    type: RateLimitError,
    outcome: "not_executed",
  },
  {
    name: "429 empty",
    status: 429,
    text: "",
    type: RateLimitError,
    outcome: "not_executed",
  },
  {
    name: "500 error array",
    status: 500,
    text: '{"error":["Internal server error."]}',
    type: ServerError,
    outcome: "unknown",
  },
  {
    name: "503 HTML maintenance",
    status: 503,
    text: "<html><body>Maintenance</body></html>",
    type: ServerError,
    outcome: "unknown",
  },
  {
    name: "502 empty",
    status: 502,
    text: "",
    type: ServerError,
    outcome: "unknown",
  },
  {
    name: "404 empty",
    status: 404,
    text: "",
    type: WhiteBitError,
    outcome: "not_executed",
  },
  {
    name: "400 with msg key and errors absent",
    status: 400,
    text: '{"msg":"Bad request"}',
    type: ValidationError,
    outcome: "not_executed",
    fieldErrors: {},
  },
  {
    name: "400 with a field message as a plain string",
    status: 400,
    text: '{"code":0,"message":"Validation failed","errors":{"amount":"Invalid decimal amount"}}',
    type: ValidationError,
    outcome: "not_executed",
    code: 0,
    fieldErrors: { amount: ["Invalid decimal amount"] },
  },
  {
    name: "422 on the close path is a close rejection, not an investment rejection",
    status: 422,
    text:
      '{"code":0,"message":"Inner validation failed","errors":{"error":["Investment is already closed"]}}',
    type: CloseRejectedError,
    outcome: "not_executed",
    code: 0,
    fieldErrors: { error: ["Investment is already closed"] },
    closeReason: "already_closed",
    path: CLOSE,
  },
  {
    name: "422 on the close path with an undocumented code: reason unknown",
    status: 422,
    text: '{"code":1,"message":"Inner validation failed","errors":{"id":["?"]}}',
    type: CloseRejectedError,
    outcome: "not_executed",
    code: 1,
    closeReason: "unknown",
    path: CLOSE,
  },
  {
    name: "422 on a read path is a plain WhiteBitError",
    status: 422,
    text: '{"code":1,"message":"Inner validation failed","errors":{}}',
    type: WhiteBitError,
    outcome: "not_executed",
    code: 1,
    path: "/api/v4/main-account/smart/investments",
  },
  ...[
    "/api/v4/main-account/smart/plans",
    "/api/v4/main-account/smart/investments",
    "/api/v4/main-account/smart/interest-payment-history",
    CLOSE,
  ].flatMap((path): Case[] => [
    {
      name: `400 on ${path} is a ValidationError`,
      status: 400,
      text: JSON.stringify({
        code: 0,
        message: "Validation failed",
        errors: { ticker: ["The selected ticker is invalid."] },
      }),
      type: ValidationError,
      outcome: "not_executed",
      code: 0,
      fieldErrors: { ticker: ["The selected ticker is invalid."] },
      path,
    },
    {
      name: `403 on ${path} is a PermissionError`,
      status: 403,
      text: JSON.stringify({
        code: 0,
        message:
          "You don't have permission to use this endpoint. Please contact support for more details",
      }),
      type: PermissionError,
      outcome: "not_executed",
      code: 0,
      path,
    },
  ]),
];

for (const c of CASES) {
  Deno.test(`errorFromResponse(): ${c.name}`, () => {
    const path = c.path ?? INVEST;
    const error = errorFromResponse({
      requestPath: path,
      nonce: 42,
      status: c.status,
      text: c.text,
    });
    strictEqual(error.constructor, c.type);
    strictEqual(error.name, c.type.name);
    strictEqual(error.outcome, c.outcome);
    strictEqual(error.status, c.status);
    strictEqual(error.code, c.code);
    strictEqual(error.requestPath, path);
    strictEqual(error.nonce, 42);
    strictEqual(error.responseText, c.text.trim());
    if (c.fieldErrors) deepStrictEqual(error.fieldErrors, c.fieldErrors);
    if (c.reason) strictEqual((error as InvestmentRejectedError).reason, c.reason);
    if (c.closeReason) strictEqual((error as CloseRejectedError).reason, c.closeReason);
    strictEqual(error.message.includes(c.outcome === "unknown" ? "reconcile" : "Nothing"), true);
  });
}

Deno.test("errorFromResponse() keeps at most 2000 characters of a long body", () => {
  const text = `  <html>${"x".repeat(5000)}</html>  `;
  const error = errorFromResponse({ requestPath: INVEST, status: 503, text });
  strictEqual(error.responseText.length, 2000);
  strictEqual(error.responseText.startsWith("<html>"), true);
});

Deno.test("every error class has its literal name, and WhiteBitErrorName lists them all", async () => {
  // The root's classes, and flex's (exported under @lending/whitebit/flex).
  const mod: Record<string, unknown> = {
    ...await import("../../mod.ts"),
    ...await import("../../client/flex/mod.ts"),
  };
  // A table over the union: a class missing from it fails to compile here.
  const listed = {
    WhiteBitError: true,
    ValidationError: true,
    AuthenticationError: true,
    PermissionError: true,
    InvestmentRejectedError: true,
    CloseRejectedError: true,
    FlexRejectedError: true,
    PreflightError: true,
    DryRunError: true,
    NonceError: true,
    RateLimitError: true,
    ServerError: true,
    NetworkError: true,
    TimeoutError: true,
    AbortedError: true,
  } satisfies Record<WhiteBitErrorName, true>;
  const exported = Object.entries(mod).filter(([, value]) =>
    value === WhiteBitError ||
    (typeof value === "function" && value.prototype instanceof WhiteBitError)
  );
  deepStrictEqual(exported.map(([name]) => name).sort(), Object.keys(listed).sort());
  for (const [name, ErrorClass] of exported) {
    const error = new (ErrorClass as typeof WhiteBitError)("m", {
      outcome: "unknown",
      requestPath: "/x",
      reason: "plan_not_offered",
      request: { method: "GET", url: "https://x", headers: {}, body: "" },
    } as never);
    strictEqual(error.name, name);
  }
});
