/**
 * Review 2: SIGTERM, the ordinary way a `deno serve` instance is stopped
 * (every rolling deploy), to an instance that leases a nonce lane. The
 * default export then gives its lane up and calls `Deno.exit(0)` at once,
 * whatever requests are still in flight.
 */
import { strictEqual } from "node:assert/strict";
import { WhiteBitSandbox } from "../../testing.ts";
import {
  hangingSandbox,
  PATHS,
  PLAN,
  SERVER_ACCOUNT,
  startServe,
  tempDir,
  TOKENS,
} from "../_fixtures.ts";

Deno.test("review2: SIGTERM while an invest is in flight (auto lanes, Deno KV): WhiteBIT invested, and the caller is cut off instead of answered", async () => {
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...SERVER_ACCOUNT, balances: { USDT: "1000000" } }],
    plans: [PLAN],
  });
  await using wire = hangingSandbox(sandbox);
  await using dir = await tempDir();
  await using serve = await startServe({
    WHITEBIT_API_KEY: sandbox.credentials.apiKey,
    WHITEBIT_API_SECRET: sandbox.credentials.apiSecret,
    WHITEBIT_BASE_URL: wire.url,
    LENDING_API_TOKENS: TOKENS.join(","),
    LENDING_DENO_KV: `${dir.path}/kv.sqlite3`,
    WHITEBIT_NONCE_LANE: "auto/2",
  }, { kvDir: dir.path });
  const carriedOut = wire.hang(PATHS.invest);
  const answered = fetch(`${serve.url}/v1/investments`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${TOKENS[0]}`,
      "content-type": "application/json",
      "idempotency-key": "review2-sigterm-1",
    },
    body: JSON.stringify({ planId: PLAN.id, amount: "7" }),
  }).then(
    async (response) => `${response.status} ${await response.text()}`,
    (error) => `no answer: ${error}`,
  );
  await carriedOut; // WhiteBIT invested; its answer is on its way
  const stopped = serve.stop("SIGTERM");
  // WhiteBIT's answer arrives once the instance has exited, or after 8 s if it is still draining.
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([stopped, new Promise((resolve) => timer = setTimeout(resolve, 8_000))]);
  clearTimeout(timer);
  wire.release();
  const outcome = await answered;
  strictEqual(sandbox.investments.length, 1);
  strictEqual(outcome.slice(0, 3), "201", `the caller of an investment made got: ${outcome}`);
});
