import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  CloseRejectedError,
  InvestmentRejectedError,
  NetworkError,
  NonceError,
  RateLimitError,
  ValidationError,
  WhiteBitError,
  type WhiteBitErrorOptions,
} from "../../mod.ts";
import { PROBLEM_OF_ERROR, PROBLEM_TYPES, problemFromError } from "../../server/_problem.ts";
import { PATHS } from "../_fixtures.ts";

const options: WhiteBitErrorOptions = {
  outcome: "not_executed",
  requestPath: PATHS.invest,
  fieldErrors: { amount: ["Available 9 < 10"] },
};
const slugOf = (error: unknown) => problemFromError(error).type.split(":").at(-1)!;

Deno.test("problem table: every error class exported from mod.ts and flex has its row, under its literal name", async () => {
  const mod: Record<string, unknown> = {
    ...await import("../../mod.ts"),
    ...await import("../../client/flex/mod.ts"),
  };
  const classes = Object.entries(mod).filter(([, value]) =>
    value === WhiteBitError ||
    (typeof value === "function" && value.prototype instanceof WhiteBitError)
  );
  ok(classes.length >= 14, `${classes.length} error classes`);
  for (const [exported, ErrorClass] of classes) {
    // Every constructor takes (message, options); the extra options of some are ignored by others.
    const error = new (ErrorClass as typeof WhiteBitError)("m", {
      ...options,
      reason: "plan_not_offered",
      request: { method: "POST", url: "http://127.0.0.1/x", headers: {}, body: "{}" },
    } as WhiteBitErrorOptions);
    strictEqual(error.name, exported);
    ok(Object.hasOwn(PROBLEM_OF_ERROR, error.name), `${exported} has a row`);
    ok(Object.hasOwn(PROBLEM_TYPES, slugOf(error)), `${exported} becomes a known problem`);
  }
  deepStrictEqual(
    Object.keys(PROBLEM_OF_ERROR).sort(),
    classes.map(([name]) => name).sort(),
    "no row for a class that is not exported",
  );
});

Deno.test("problem table: a class that can mean two things is told apart by its status or code", () => {
  const cases: [WhiteBitError, string][] = [
    [new ValidationError("m", { ...options, code: 0 }), "rejected-by-whitebit"],
    [new ValidationError("m", { ...options, code: 9 }), "upstream-error"],
    [new NonceError("m", { ...options, status: 400 }), "clock-skew"],
    [new NonceError("m", { ...options, status: 429 }), "upstream-busy"],
    [new RateLimitError("m", { ...options, status: 429 }), "rate-limited"],
    [new RateLimitError("m", { ...options }), "server-busy"],
    [new NetworkError("m", { ...options, outcome: "unknown" }), "upstream-error"],
  ];
  for (const [error, slug] of cases) {
    strictEqual(slugOf(error), slug, `${error.name} ${error.status ?? ""} ${error.code ?? ""}`);
  }
  strictEqual(slugOf(new TypeError("not ours")), "internal");
});

Deno.test("problem table: WhiteBIT's refusals say why; other problems carry no field messages", () => {
  const refusals: [WhiteBitError, string | undefined][] = [
    [new InvestmentRejectedError("m", { ...options, code: 4 }), "insufficient_balance"],
    [
      new CloseRejectedError("m", { ...options, requestPath: PATHS.close, code: 0 }),
      "already_closed",
    ],
    [new ValidationError("m", { ...options, code: 0 }), undefined],
  ];
  for (const [error, reason] of refusals) {
    const p = problemFromError(error);
    deepStrictEqual([p.reason, p.fieldErrors], [reason, options.fieldErrors], error.name);
  }
  const others = [
    new ValidationError("m", { ...options, code: 9 }),
    new NonceError("m", { ...options, status: 400 }),
    new NetworkError("m", { ...options, outcome: "unknown" }),
  ];
  for (const error of others) {
    const p = problemFromError(error);
    deepStrictEqual([p.reason, p.fieldErrors], [undefined, undefined], error.name);
  }
});
