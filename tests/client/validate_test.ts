import { rejects, strictEqual, throws } from "node:assert/strict";
import { WhiteBitClient } from "../../mod.ts";
import { assertDecimalAmount, assertIdentifier, isDecimalAmount } from "../../client/_validate.ts";

const GOOD = ["100", "0.000001", "1", "10.5", "0.1", "12345678901234567890.123456789012345678"];
const BAD_STRINGS = [
  "",
  "0",
  "0.0",
  "00",
  "-1",
  "1e3",
  " 1",
  "1 ",
  "1,5",
  "NaN",
  "Infinity",
  "+1",
  ".5",
  "5.",
  "01",
  "0x10",
  "１",
  "1.2.3",
  "123456789012345678901", // 21 whole digits
  "0.1234567890123456789", // 19 decimals
];
const BAD_TYPES: unknown[] = [100, 0.1, 1n, null, undefined, {}, ["1"], true];

Deno.test("isDecimalAmount() accepts plain positive decimals only", () => {
  for (const amount of GOOD) strictEqual(isDecimalAmount(amount), true, amount);
  for (const amount of [...BAD_STRINGS, ...BAD_TYPES]) {
    strictEqual(isDecimalAmount(amount), false, String(amount));
  }
});

Deno.test("assertDecimalAmount() throws TypeError for non-strings, RangeError for bad text", () => {
  for (const amount of BAD_TYPES) throws(() => assertDecimalAmount(amount, "amount"), TypeError);
  for (const amount of BAD_STRINGS) {
    throws(
      () => assertDecimalAmount(amount, "amount"),
      (error: unknown) =>
        error instanceof RangeError &&
        error.message.startsWith('Cannot use "amount"') &&
        error.message.includes(`current value is ${JSON.stringify(amount)}`),
    );
  }
});

Deno.test("assertIdentifier() wants a non-empty string without whitespace", () => {
  assertIdentifier("8e667b4a-0b71-4988-8af5-9474dbfaeb51", "planId");
  for (const id of ["", " ", "a b", "a\n", "\tx", "план", "a".repeat(65), "a/b", "1.5"]) {
    throws(() => assertIdentifier(id, "planId"), RangeError);
  }
  for (const id of [1, null, undefined, {}]) {
    throws(() => assertIdentifier(id, "planId"), TypeError);
  }
});

Deno.test("invest() rejects bad input before sending anything", async () => {
  let sent = 0;
  const client = new WhiteBitClient({
    apiKey: "k",
    apiSecret: "s",
    fetch: () => {
      sent++;
      return Promise.resolve(new Response("{}", { status: 201 }));
    },
  });
  for (const amount of BAD_STRINGS) {
    await rejects(client.invest({ planId: "p", amount }), RangeError, amount);
  }
  for (const amount of BAD_TYPES) {
    await rejects(client.invest({ planId: "p", amount: amount as string }), TypeError);
  }
  await rejects(client.invest({ planId: "", amount: "1" }), RangeError);
  await rejects(client.invest({ planId: 7 as unknown as string, amount: "1" }), TypeError);
  await rejects(
    client.invest(undefined as unknown as { planId: string; amount: string }),
    TypeError,
  );
  strictEqual(sent, 0);
});

Deno.test("the client refuses unusable options at construction", () => {
  const base = { apiKey: "k", apiSecret: "s" };
  throws(() => new WhiteBitClient({ ...base, apiKey: "" }), TypeError);
  throws(() => new WhiteBitClient({ ...base, apiSecret: "" }), TypeError);
  throws(() => new WhiteBitClient({ ...base, apiSecret: 5 as unknown as string }), TypeError);
  throws(() => new WhiteBitClient({ ...base, baseUrl: "whitebit.com" }), TypeError);
  throws(() => new WhiteBitClient({ ...base, baseUrl: "ftp://whitebit.com" }), TypeError);
  throws(() => new WhiteBitClient({ ...base, timeoutMs: 0 }), RangeError);
  throws(() => new WhiteBitClient({ ...base, maxRetries: -1 }), RangeError);
  throws(() => new WhiteBitClient({ ...base, maxRetries: 1.5 }), RangeError);
});
