// WhiteBIT's answers byte for byte as they leave the sandbox: status, body
// text (keys in WhiteBIT's order) and content type.

import { strictEqual } from "node:assert/strict";
import {
  ACCOUNT,
  call,
  CLOSE,
  investBody,
  KEY,
  post,
  sandboxAt,
  SECRET,
  signed,
  T,
} from "./_fixtures.ts";

Deno.test("answers: every refusal leaves the sandbox with WhiteBIT's status and exact body", async () => {
  const sandbox = sandboxAt(T, {
    accounts: [
      { ...ACCOUNT, balances: { USDT: "9" } },
      { apiKey: "off-key", apiSecret: SECRET, keyEnabled: false },
      { apiKey: "retail-key", apiSecret: SECRET, lendingAccess: false },
    ],
  });
  const first = await post(sandbox, await signed(investBody(T, { amount: "1" })));
  const { id } = await first.json();
  const closeBody = (nonce: number) => JSON.stringify({ request: CLOSE, nonce, id });
  strictEqual((await post(sandbox, await signed(closeBody(T + 1), { path: CLOSE }))).status, 200);
  const cases: [string, (nonce: number) => Promise<Response>, number, string][] = [
    [
      "a bad signature",
      async (nonce) => post(sandbox, await signed(investBody(nonce), { secret: "wrong" })),
      401,
      '{"code":10,"message":"Unauthorized request."}',
    ],
    [
      "a body other than the payload",
      async (nonce) => post(sandbox, { ...(await signed(investBody(nonce))), body: "{}" }),
      400,
      '{"code":9,"message":"Invalid payload."}',
    ],
    [
      "a nonce used before",
      async () => post(sandbox, await signed(investBody(T))),
      429,
      '{"code":0,"errors":{},"message":"Too many requests."}',
    ],
    [
      "a window nonce out of the window",
      async () => post(sandbox, await signed(investBody(T - 5_001, { nonceWindow: true }))),
      400,
      '{"code":0,"message":"Your nonce is more than 5 seconds lesser than the current nonce."}',
    ],
    [
      "a disabled key",
      async (nonce) => post(sandbox, await signed(investBody(nonce), { apiKey: "off-key" })),
      403,
      '{"code":2,"message":"This action is unauthorized. Enable your key in API settings"}',
    ],
    [
      "no lending access (WhiteBIT's B2B gate)",
      async (nonce) => post(sandbox, await signed(investBody(nonce), { apiKey: "retail-key" })),
      403,
      `{"code":0,"errors":{},"message":"You don't have permission to use this endpoint. Please contact support for more details"}`,
    ],
    [
      "a validation failure",
      async (nonce) => post(sandbox, await signed(investBody(nonce, { amount: "x" }))),
      400,
      '{"code":0,"message":"Validation failed","errors":{"amount":["The amount field must be a valid number"]}}',
    ],
    [
      "an inner validation failure",
      async (nonce) => post(sandbox, await signed(investBody(nonce))),
      422,
      '{"code":4,"message":"Inner validation failed","errors":{"amount":["Available 9 < 10"]}}',
    ],
    [
      "closing a closed investment",
      async (nonce) => post(sandbox, await signed(closeBody(nonce), { path: CLOSE })),
      422,
      '{"code":0,"message":"Inner validation failed","errors":{"error":["Investment is already closed"]}}',
    ],
  ];
  let nonce = T + 1;
  for (const [what, send, status, text] of cases) {
    const response = await send(++nonce);
    strictEqual(response.status, status, what);
    strictEqual(await response.text(), text, what);
    strictEqual(response.headers.get("content-type")?.startsWith("application/json"), true, what);
  }
  strictEqual(sandbox.balance(KEY, "USDT"), "9", "none of them moved money");
});

Deno.test("answers: over the rate limit, nginx's HTML page, not JSON", async () => {
  const sandbox = sandboxAt(T, { rateLimit: 1 });
  strictEqual((await call(sandbox, CLOSE, T, { id: "x" })).status, 400);
  const response = await post(sandbox, await signed(investBody(T + 1)));
  strictEqual(response.status, 429);
  strictEqual(response.headers.get("content-type"), "text/html");
  strictEqual(
    await response.text(),
    "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>",
  );
});
