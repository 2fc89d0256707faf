import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { WhiteBitSandbox } from "../../testing.ts";
import { startServe } from "../_fixtures.ts";

// Deno Deploy's shape: `deno serve server.ts` as a real process on 127.0.0.1,
// configured from the environment, investing in the sandbox over HTTP.

Deno.test("deno serve server.ts: configured from the environment, invests in the sandbox", async () => {
  const sandbox = new WhiteBitSandbox();
  await using wire = sandbox.listen();
  await using serve = await startServe({
    WHITEBIT_API_KEY: sandbox.credentials.apiKey,
    WHITEBIT_API_SECRET: sandbox.credentials.apiSecret,
    WHITEBIT_BASE_URL: wire.url,
    LENDING_API_TOKENS: "rotated-out,current-token",
  });
  const health = await fetch(`${serve.url}/healthz`);
  deepStrictEqual(await health.json(), { status: "ok" });
  const denied = await fetch(`${serve.url}/v1/investments`, { method: "POST" });
  strictEqual(denied.status, 401);
  await denied.body?.cancel();
  const response = await fetch(`${serve.url}/v1/investments`, {
    method: "POST",
    headers: { authorization: "Bearer current-token", "content-type": "application/json" },
    body: JSON.stringify({ planId: sandbox.plans[0].id, amount: "250" }),
  });
  strictEqual(response.status, 201);
  const { id } = await response.json();
  strictEqual(sandbox.investments[0].id, id);
  strictEqual(sandbox.balance(sandbox.credentials.apiKey, "USDT"), "9750");
});

Deno.test("deno serve server.ts: without configuration every route is 503, /healthz says what is missing", async () => {
  await using serve = await startServe({});
  const health = await fetch(`${serve.url}/healthz`);
  strictEqual(health.status, 503);
  deepStrictEqual(await health.json(), {
    status: "not-configured",
    missing: ["WHITEBIT_API_KEY", "WHITEBIT_API_SECRET", "LENDING_API_TOKENS"],
  });
  const response = await fetch(`${serve.url}/v1/investments`, {
    method: "POST",
    headers: { authorization: "Bearer anything" },
  });
  strictEqual(response.status, 503);
  ok((await response.json()).type.endsWith("not-configured"));
});
