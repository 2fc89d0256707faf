// Cloudflare Workers: the Worker bundle of server.ts (`deno bundle
// --platform=browser`, as the README deploys it) in a real workerd through
// Miniflare, configured by Workers bindings, investing in the sandbox on
// 127.0.0.1. (The client alone in workerd is a row of matrix_test.ts.)

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { WhiteBitSandbox } from "../../testing.ts";
import {
  beforeDeadline,
  bundleWorker,
  loadMiniflare,
  type Miniflare,
  WORKERD_COMPATIBILITY_DATE,
} from "./harness.ts";

const DEADLINE_MS = 90_000;
const TOKEN = "worker-caller-token";

Deno.test("Cloudflare Workers: server.ts's Worker bundle in workerd invests through the sandbox", async () => {
  const dir = await Deno.makeTempDir({ prefix: "whitebit-worker-" });
  const sandbox = new WhiteBitSandbox();
  await using wire = sandbox.listen();
  const Miniflare = loadMiniflare();
  const deadline = AbortSignal.timeout(DEADLINE_MS);
  const contents = await bundleWorker(dir, deadline);
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: `${dir}/worker.js`, contents }],
    modulesRoot: dir,
    compatibilityDate: WORKERD_COMPATIBILITY_DATE,
    cf: false,
    bindings: {
      WHITEBIT_API_KEY: sandbox.credentials.apiKey,
      WHITEBIT_API_SECRET: sandbox.credentials.apiSecret,
      WHITEBIT_BASE_URL: wire.url,
      LENDING_API_TOKENS: `old-token,${TOKEN}`,
    },
  });
  try {
    await beforeDeadline(mf.ready, deadline);
    const call = async (path: string, init: Parameters<Miniflare["dispatchFetch"]>[1] = {}) => {
      const response = await beforeDeadline(
        mf.dispatchFetch(`http://worker${path}`, init),
        deadline,
      );
      const text = await response.text();
      return { status: response.status, type: response.headers.get("content-type"), text };
    };
    deepStrictEqual(await call("/healthz"), {
      status: 200,
      type: "application/json",
      text: '{"status":"ok"}',
    });
    // No body: a request refused before its body is read makes workerd drop the keep-alive
    // connection, and Miniflare's undici then sees ECONNRESET on its next request.
    const denied = await call("/v1/investments", { method: "POST" });
    strictEqual(denied.status, 401);
    strictEqual(denied.type, "application/problem+json");
    const invest = (amount: string) =>
      call("/v1/investments", {
        method: "POST",
        headers: {
          authorization: `Bearer ${TOKEN}`,
          "content-type": "application/json",
          "idempotency-key": `order-${amount}`,
        },
        body: JSON.stringify({ planId: sandbox.plans[0].id, amount }),
      });
    const created = await invest("100");
    strictEqual(created.status, 201, created.text);
    const { id } = JSON.parse(created.text);
    strictEqual((await invest("100")).text, created.text, "replayed by the isolate's store");
    const bad = await call("/v1/investments", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: '{"planId":"x","amount":1e3}',
    });
    strictEqual(bad.status, 400);
    await sandbox.settled();
    deepStrictEqual(sandbox.investments.map((investment) => investment.id), [id]);
    strictEqual(sandbox.requests.filter((r) => r.path.endsWith("/investment")).length, 1);
  } finally {
    await beforeDeadline(mf.dispose(), AbortSignal.timeout(10_000));
    await Deno.remove(dir, { recursive: true });
  }
});
