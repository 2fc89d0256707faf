// Every documented example of WhiteBIT's 8 flex endpoints (the spec copy in
// tests/fixtures/flex_paths.openapi.yaml): each request example is accepted
// by the client and sent with WhiteBIT's field names unchanged; each success
// example is read; each error example (400, 403, 422) becomes the documented
// error, every 422 with its typed reason.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { load as parse } from "js-yaml";
import {
  PermissionError,
  ValidationError,
  type WhiteBitClient,
  type WhiteBitError,
} from "../../mod.ts";
import { FlexRejectedError } from "../../client/flex/mod.ts";
import { fakeWhiteBit, FLEX_PATHS, json } from "../_fixtures.ts";

const SPEC_COPY = new URL("../fixtures/flex_paths.openapi.yaml", import.meta.url);
const SHARED = new URL("../../../shared/whitebit/lending-paths.openapi.yaml", import.meta.url);

interface Operation {
  requestBody: { content: { "application/json": { example: Record<string, unknown> } } };
  responses: Record<string, {
    content: {
      "application/json": {
        example?: unknown;
        examples?: Record<string, { value: unknown }>;
      };
    };
  }>;
}

const spec = parse(await Deno.readTextFile(SPEC_COPY)) as {
  paths: Record<string, { post: Operation }>;
};

type Method = keyof typeof FLEX_PATHS;
const METHODS = Object.keys(FLEX_PATHS) as Method[];

/** What each success example reads as. */
const READ: Record<Method, (example: unknown) => unknown> = {
  plans: (example) => example,
  investments: (example) => example,
  history: (example) => example,
  payments: (example) => example,
  invest: (example) => ({ transactionId: transactionIdOf(example) }),
  withdraw: (example) => ({ transactionId: transactionIdOf(example) }),
  close: (example) => ({ transactionId: transactionIdOf(example) }),
  autoInvest: () => undefined,
};

/** The reason of each documented 422, by the spec's example name (`example` if it has one). */
const REASONS: Partial<Record<Method, Record<string, string>>> = {
  invest: {
    planUnavailable: "plan_unavailable",
    planPaused: "plan_paused",
    amountTooLow: "amount_below_minimum",
    amountTooHigh: "amount_above_maximum",
    insufficientBalance: "insufficient_balance",
    amountTooSmall: "amount_too_small",
    privatePlan: "private_plan",
    investmentLimit: "limit_exceeded",
  },
  withdraw: {
    investmentNotFound: "investment_not_found",
    investmentClosed: "investment_closed",
    amountTooSmall: "withdraw_too_small",
    exceedsInvested: "withdraw_exceeds_invested",
    belowMinLeft: "amount_left_below_minimum",
    belowMinPossible: "withdraw_below_minimum",
  },
  close: { investmentNotFound: "investment_not_found", alreadyClosed: "investment_closed" },
  autoInvest: { example: "no_investment" },
};

const ERROR_CLASSES: Record<string, typeof WhiteBitError> = {
  "400": ValidationError,
  "403": PermissionError,
  "422": FlexRejectedError,
};

function transactionIdOf(example: unknown): string {
  return (example as { data: { transaction_id: string } }).data.transaction_id;
}

function operation(method: Method): Operation {
  const path = spec.paths[FLEX_PATHS[method]];
  ok(path, `the spec copy documents ${FLEX_PATHS[method]}`);
  return path.post;
}

/** The request example's parameters: without `request` and `nonce`, which the client adds. */
function requestParams(method: Method): Record<string, unknown> {
  const { request: _, nonce: __, ...params } =
    operation(method).requestBody.content["application/json"].example;
  return params;
}

function examples(method: Method, status: string): [string, unknown][] {
  const content = operation(method).responses[status]?.content["application/json"];
  if (!content) return [];
  return content.examples
    ? Object.entries(content.examples).map(([name, { value }]) => [name, value])
    : [["example", content.example]];
}

function call(client: WhiteBitClient, method: Method, params: Record<string, unknown>) {
  return (client.flex[method] as (params: unknown) => Promise<unknown>)(params);
}

Deno.test("the spec copy is WhiteBIT's text, when the shared folder is beside the repository", async () => {
  let shared: string;
  try {
    shared = await Deno.readTextFile(SHARED);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return; // a clone on its own: the copy stands
    throw error;
  }
  const copy = await Deno.readTextFile(SPEC_COPY);
  const flex = copy.slice(copy.indexOf("\npaths:\n") + "\npaths:\n".length);
  ok(shared.includes(flex), "tests/fixtures/flex_paths.openapi.yaml differs from the shared spec");
});

Deno.test("the spec copy documents the 8 flex endpoints and nothing else", () => {
  deepStrictEqual(Object.keys(spec.paths).sort(), Object.values(FLEX_PATHS).sort());
});

for (const method of METHODS) {
  Deno.test(`flex ${method}: the request example is accepted and sent with WhiteBIT's names`, async () => {
    const [[, example]] = [...examples(method, "200"), ...examples(method, "201")];
    const { client, seen } = fakeWhiteBit(() => json(200, example));
    await call(client, method, requestParams(method));
    strictEqual(seen.length, 1);
    strictEqual(seen[0].path, FLEX_PATHS[method]);
    const { request, nonce, nonceWindow, ...sent } = seen[0].body;
    strictEqual(request, FLEX_PATHS[method]);
    strictEqual(typeof nonce, "number");
    strictEqual(nonceWindow, true);
    deepStrictEqual(sent, requestParams(method));
  });

  for (const status of ["200", "201"]) {
    for (const [name, example] of examples(method, status)) {
      Deno.test(`flex ${method}: the ${status} example "${name}" is read`, async () => {
        const { client } = fakeWhiteBit(() => json(Number(status), example));
        deepStrictEqual(await call(client, method, requestParams(method)), READ[method](example));
      });
    }
  }

  for (const status of ["400", "403", "422"]) {
    for (const [name, example] of examples(method, status)) {
      Deno.test(`flex ${method}: the ${status} example "${name}" is its error`, async () => {
        const { client, seen } = fakeWhiteBit(() => json(Number(status), example));
        const error = await call(client, method, requestParams(method)).then(() => null, (e) => e);
        ok(error instanceof ERROR_CLASSES[status], `${status} → ${error?.name}`);
        strictEqual(error.status, Number(status));
        strictEqual(error.outcome, "not_executed");
        strictEqual(seen.length, 1); // a refusal is never sent again
        if (error instanceof FlexRejectedError) strictEqual(error.reason, REASONS[method]?.[name]);
      });
    }
  }
}

Deno.test("every documented flex 422 has its own reason, none of them unknown", () => {
  let count = 0;
  for (const method of METHODS) {
    const names = examples(method, "422").map(([name]) => name);
    deepStrictEqual(names.sort(), Object.keys(REASONS[method] ?? {}).sort(), method);
    count += names.length;
  }
  strictEqual(count, 17);
});
