/**
 * Odd and hostile input to the client: options a timer cannot hold, getters
 * that change their answer, clear-text and credential-bearing URLs, API keys
 * that would forge headers, a runtime that refuses the network, and waits
 * that must end. Each refusal happens before anything is sent.
 */
import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import {
  DryRunError,
  RateLimiter,
  RateLimitError,
  WhiteBitClient,
  type WhiteBitClientOptions,
} from "../../mod.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import { setup as sharedSetup } from "../_fixtures.ts";

function setup(options: Partial<WhiteBitClientOptions> = {}) {
  const { sandbox, client, planId, sent: bodies } = sharedSetup({ client: options });
  return { sandbox, client, bodies, planId };
}

Deno.test("delays a timer cannot hold are refused (2^31 ms would fire at once)", async (t) => {
  for (const name of ["timeoutMs", "retryDelayMs", "maxRetryDelayMs", "maxWaitMs"] as const) {
    await t.step(name, () => {
      throws(() => setup({ [name]: 2 ** 31 }), RangeError);
      throws(() => setup({ [name]: Infinity }), RangeError);
      throws(() => setup({ [name]: NaN }), RangeError);
      setup({ [name]: 2 ** 31 - 1 });
    });
  }
  await t.step("per call", async () => {
    const { client, sandbox, planId } = setup();
    await rejects(client.invest({ planId, amount: "1" }, { maxWaitMs: 2 ** 31 }), RangeError);
    strictEqual(sandbox.requests.length, 0);
  });
});

Deno.test("a getter cannot sign what was not checked: parameters are read once", async () => {
  const { client, bodies, planId } = setup();
  let reads = 0;
  const params = {
    planId,
    get amount(): string {
      return (reads++ === 0 ? "100" : 1e21) as string;
    },
  };
  await client.invest(params);
  strictEqual(reads, 1);
  strictEqual(bodies[0].amount, "100");
});

Deno.test("a getter in read parameters is read once too", async () => {
  const { client, bodies } = setup();
  let reads = 0;
  const params = {
    get limit(): number {
      return reads++ === 0 ? 5 : 1e9;
    },
  };
  await client.investments(params);
  strictEqual(reads, 1);
  strictEqual(bodies[0].limit, 5);
});

Deno.test("plain http: only to loopback hosts or with a custom fetch", () => {
  const credentials = { apiKey: "k", apiSecret: "s" };
  throws(() => new WhiteBitClient({ ...credentials, baseUrl: "http://whitebit.com" }), TypeError);
  throws(() => new WhiteBitClient({ ...credentials, baseUrl: "http://10.0.0.1:8080" }), TypeError);
  for (const baseUrl of ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"]) {
    strictEqual(new WhiteBitClient({ ...credentials, baseUrl }).baseUrl, baseUrl);
  }
  const fetch = () => Promise.resolve(new Response("{}"));
  strictEqual(
    new WhiteBitClient({ ...credentials, baseUrl: "http://sandbox.invalid", fetch }).baseUrl,
    "http://sandbox.invalid",
  );
});

Deno.test("credentials in the base URL are refused without being shown", () => {
  const error = (() => {
    try {
      new WhiteBitClient({
        apiKey: "k",
        apiSecret: "s",
        baseUrl: "https://me:hunter2@whitebit.com",
      });
    } catch (error) {
      return error as Error;
    }
  })();
  ok(error instanceof TypeError);
  ok(!error.message.includes("hunter2"), error.message);
});

Deno.test("an API key with control characters is refused without being echoed", async (t) => {
  for (
    const apiKey of ["key\r\nX-Evil: 1", "key\u0000", "kéy", "key with spaces", "k".repeat(257)]
  ) {
    await t.step(JSON.stringify(apiKey.slice(0, 12)), () => {
      const error = (() => {
        try {
          new WhiteBitClient({ apiKey, apiSecret: "s" });
        } catch (error) {
          return error as Error;
        }
      })();
      ok(error instanceof TypeError);
      ok(!error.message.includes(apiKey), error.message);
    });
  }
});

Deno.test("no network permission: refused before sending, so not_executed", async () => {
  const script = new URL("./_no_net.ts", import.meta.url).pathname;
  const { stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--no-config", script],
    env: { NO_COLOR: "1" },
  }).output();
  const printed = new TextDecoder().decode(stdout);
  ok(printed, new TextDecoder().decode(stderr));
  const result = JSON.parse(printed);
  strictEqual(result.name, "NetworkError");
  strictEqual(result.outcome, "not_executed");
  ok(!/reconcile/.test(result.message), result.message);
});

Deno.test("the wait for a turn is bounded: past maxWaitMs, not_executed and nothing sent", async () => {
  const rateLimiter = new RateLimiter({ limit: 1, windowMs: 60_000 });
  const held = await rateLimiter.acquire();
  const { client, sandbox, planId } = setup({ rateLimiter, maxWaitMs: 30 });
  const error = await client.invest({ planId, amount: "100" }).catch((e) => e);
  ok(error instanceof RateLimitError, String(error));
  strictEqual(error.outcome, "not_executed");
  strictEqual(error.status, undefined);
  strictEqual(sandbox.requests.length, 0);
  held();
});

Deno.test("waitSignal stops a call that still waits, and nothing is sent", async () => {
  const rateLimiter = new RateLimiter({ limit: 1, windowMs: 60_000 });
  const held = await rateLimiter.acquire();
  const { client, sandbox, planId } = setup({ rateLimiter });
  const gone = new AbortController();
  const call = client.invest({ planId, amount: "100" }, { waitSignal: gone.signal });
  gone.abort(new Error("the caller hung up"));
  await rejects(call, { message: "the caller hung up" });
  strictEqual(sandbox.requests.length, 0);
  held();
});

Deno.test("waitSignal does not stop a request once it is sent", async () => {
  const sandbox = new WhiteBitSandbox();
  sandbox.injectFault({ kind: "latency", ms: 50 });
  const gone = new AbortController();
  const client = new WhiteBitClient({
    ...sandbox.credentials,
    fetch: (url, init) => {
      gone.abort(new Error("the caller hung up")); // after the turn came, as the request leaves
      return sandbox.fetch(url, init);
    },
  });
  const { id } = await client.invest(
    { planId: sandbox.plans[0].id, amount: "100" },
    { waitSignal: gone.signal },
  );
  deepStrictEqual(sandbox.investments.map((investment) => investment.id), [id]);
});

Deno.test("syncTime() on a dry-run client sends nothing", async () => {
  const { client, sandbox } = setup({ dryRun: true });
  const error = await client.syncTime().catch((e) => e);
  ok(error instanceof DryRunError, String(error));
  strictEqual(error.request.method, "GET");
  strictEqual(sandbox.requests.length, 0);
});
