import { strictEqual } from "node:assert/strict";
import { timingSafeEqual } from "../../server/_timing_safe_equal.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("timingSafeEqual() is true only for the same bytes", () => {
  const known = bytes("token-4b1f");
  strictEqual(timingSafeEqual(bytes("token-4b1f"), known), true);
  for (
    const presented of [
      "",
      "t",
      "token-4b1",
      "token-4b1f\0",
      "token-4b1fx",
      "token-4b1e",
      "Token-4b1f",
    ]
  ) {
    strictEqual(timingSafeEqual(bytes(presented), known), false, JSON.stringify(presented));
  }
  strictEqual(timingSafeEqual(bytes(""), bytes("")), true);
});
