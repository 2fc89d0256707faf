/**
 * A hostile upstream against the client: every answer WhiteBIT (or anything
 * between) could send, and what the caller must see — a bounded, truthful
 * error, never a hang, a blown-up process or a second investment.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  NetworkError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  WhiteBitClient,
  type WhiteBitClientOptions,
  WhiteBitError,
} from "../../mod.ts";
import { answer, hostile, type HostileScript, writeAll } from "./_hostile.ts";

const PLAN = { planId: "plan-1", amount: "100" };
const encoder = new TextEncoder();

function clientFor(url: string, options: Partial<WhiteBitClientOptions> = {}): WhiteBitClient {
  return new WhiteBitClient({
    apiKey: "hostile-key",
    apiSecret: "hostile-secret",
    baseUrl: url,
    maxRetries: 0,
    ...options,
  });
}

/** Runs `call` against a server playing `script`, and returns the error it failed with. */
async function failureOf(
  script: HostileScript,
  call: (client: WhiteBitClient) => Promise<unknown>,
  options: Partial<WhiteBitClientOptions> = {},
): Promise<{ error: WhiteBitError; requests: number; written: number }> {
  await using server = hostile(script);
  const error = await call(clientFor(server.url, options)).then(
    () => {
      throw new Error("the call succeeded");
    },
    (error) => error,
  );
  ok(error instanceof WhiteBitError, `a WhiteBitError, not ${error}`);
  return { error, requests: server.requests.length, written: server.written.bytes };
}

Deno.test("a redirect is never followed: the invest fails unknown, the target sees nothing", async () => {
  await using target = hostile((conn) => answer(conn, 201, '{"id":"elsewhere"}'));
  const { error, requests } = await failureOf(
    (conn) => answer(conn, 307, "", { location: `${target.url}/steal` }),
    (client) => client.invest(PLAN),
  );
  strictEqual(error.status, 307);
  strictEqual(error.outcome, "unknown");
  strictEqual(requests, 1);
  strictEqual(target.requests.length, 0);
});

Deno.test("a 200 MiB answer is cut at 1 MiB: the read stops, the process does not grow by it", async () => {
  const chunk = new Uint8Array(1024 * 1024).fill(0x20);
  const before = Deno.memoryUsage().rss;
  const { error, written } = await failureOf(
    async (conn) => {
      await writeAll(
        conn,
        encoder.encode(`HTTP/1.1 201 Created\r\ncontent-length: ${200 * chunk.length}\r\n\r\n{`),
      );
      for (let i = 0; i < 200; i++) await writeAll(conn, chunk);
    },
    (client) => client.invest(PLAN),
    { timeoutMs: 20_000 },
  );
  const grown = (Deno.memoryUsage().rss - before) / 2 ** 20;
  strictEqual(error.outcome, "unknown"); // a 201: the investment may exist
  strictEqual(error.status, 201);
  ok(!(error instanceof TimeoutError), "stopped by the cap, not by the timeout");
  ok(written < 100 * chunk.length, `the connection was cancelled after ${written} bytes`);
  ok(grown < 24, `the process grew ${grown.toFixed(1)} MiB reading it`);
  ok(error.responseText.length <= 2000);
});

Deno.test("an endless chunked answer without Content-Length is cut too", async () => {
  const { error } = await failureOf(
    async (conn) => {
      await writeAll(conn, encoder.encode("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"));
      const piece = encoder.encode(`10000\r\n${"[".repeat(0x10000)}\r\n`);
      for (;;) await writeAll(conn, piece);
    },
    (client) => client.plans(),
    { timeoutMs: 20_000 },
  );
  ok(!(error instanceof TimeoutError));
  strictEqual(error.outcome, "not_executed"); // a read moves no funds
  ok(!/reconcile/i.test(error.message), error.message);
});

Deno.test("an answer that trickles forever ends at timeoutMs, outcome unknown", async () => {
  const { error } = await failureOf(
    async (conn) => {
      await writeAll(conn, encoder.encode("HTTP/1.1 201 Created\r\ncontent-length: 100\r\n\r\n{"));
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await writeAll(conn, encoder.encode(" "));
      }
    },
    (client) => client.invest(PLAN),
    { timeoutMs: 300 },
  );
  ok(error instanceof TimeoutError, error.name);
  strictEqual(error.outcome, "unknown");
});

Deno.test("headers that never come: TimeoutError, outcome unknown", async () => {
  const { error } = await failureOf(
    async (conn) => void await conn.read(new Uint8Array(1)), // until the client hangs up
    (client) => client.invest(PLAN),
    { timeoutMs: 200 },
  );
  ok(error instanceof TimeoutError, error.name);
  strictEqual(error.outcome, "unknown");
});

Deno.test("a connection reset mid-body: NetworkError, outcome unknown, never retried", async () => {
  const { error, requests } = await failureOf(
    async (conn) => {
      await writeAll(
        conn,
        encoder.encode('HTTP/1.1 201 Created\r\ncontent-length: 1000\r\n\r\n{"id":"'),
      );
    },
    (client) => client.invest(PLAN),
    { maxRetries: 3 },
  );
  ok(error instanceof NetworkError, error.name);
  strictEqual(error.outcome, "unknown");
  strictEqual(requests, 1);
});

Deno.test("prototype keys in an answer: no id of its own is no investment id", async () => {
  const { error } = await failureOf(
    (conn) => answer(conn, 201, '{"__proto__":{"id":"from-the-prototype"}}'),
    (client) => client.invest(PLAN),
  );
  strictEqual(error.outcome, "unknown");
  ok(/not as documented/.test(error.message), error.message);
});

Deno.test("prototype keys in field errors stay fields, never the error's prototype", async () => {
  const { error } = await failureOf(
    (conn) =>
      answer(
        conn,
        400,
        '{"code":0,"message":"bad","errors":{"__proto__":["polluted"],"amount":["too small"]}}',
      ),
    (client) => client.invest(PLAN),
  );
  ok(error instanceof ValidationError);
  deepStrictEqual(Object.keys(error.fieldErrors).sort(), ["__proto__", "amount"]);
  deepStrictEqual(Object.getPrototypeOf(error.fieldErrors), Object.prototype);
  deepStrictEqual(error.fieldErrors["amount"], ["too small"]);
});

Deno.test("absurd numbers in an answer are refused, not passed on", async () => {
  const plan = {
    id: "p",
    ticker: "USDT",
    status: 1,
    percent: "1",
    duration: 1e300,
    interestTicker: "USDT",
    interestRatio: "1",
    minInvestment: "1",
    maxInvestment: "2",
    maxPossibleInvestment: "3",
  };
  const { error } = await failureOf(
    (conn) => answer(conn, 200, JSON.stringify([plan])),
    (client) => client.plans(),
  );
  ok(/duration/.test(error.message), error.message);
  strictEqual(error.outcome, "not_executed");
});

Deno.test("a 5 MB message from WhiteBIT makes a short error; responseText keeps 2000 characters", async () => {
  const huge = "x".repeat(5_000_000);
  const { error } = await failureOf(
    (conn) =>
      answer(conn, 400, JSON.stringify({ code: 0, message: huge, errors: { amount: [huge] } })),
    (client) => client.invest(PLAN),
  );
  ok(error.message.length <= 2_000, `${error.message.length} characters`);
  ok(/Nothing was carried out/.test(error.message), "the outcome sentence survives the cut");
  strictEqual(error.responseText.length, 2_000);
  ok(JSON.stringify(error.fieldErrors).length < 10_000);
});

Deno.test("deeply nested messages are read, not a stack overflow", async () => {
  const nested = "[".repeat(5_000) + '"deep"' + "]".repeat(5_000);
  const { error } = await failureOf(
    (conn) => answer(conn, 400, `{"code":0,"message":${nested}}`),
    (client) => client.invest(PLAN),
  );
  ok(error instanceof ValidationError, error.name);
});

Deno.test("a failed read never says funds may have moved", async (t) => {
  for (const status of [500, 502, 503]) {
    await t.step(`${status}`, async () => {
      const { error } = await failureOf(
        (conn) => answer(conn, status, "<html>busy</html>", { "content-type": "text/html" }),
        (client) => client.investments(),
      );
      strictEqual(error.outcome, "not_executed");
      ok(!/reconcile|may have been carried out/i.test(error.message), error.message);
    });
  }
  await t.step("dropped", async () => {
    const { error } = await failureOf(() => Promise.resolve(), (client) => client.plans());
    strictEqual(error.outcome, "not_executed");
    ok(!/reconcile|may have been carried out/i.test(error.message), error.message);
  });
});

Deno.test("a close answered with any 2xx resolves", async (t) => {
  for (
    const [status, body] of [[200, "[]"], [200, "{}"], [200, ""], [204, ""], [201, "ok"]] as const
  ) {
    await t.step(`${status} ${JSON.stringify(body)}`, async () => {
      await using server = hostile((conn) =>
        status === 204
          ? writeAll(conn, encoder.encode("HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n"))
          : answer(conn, status, body)
      );
      strictEqual(await clientFor(server.url).closeInvestment("inv-1"), undefined);
      strictEqual(server.requests.length, 1);
    });
  }
});

Deno.test("Retry-After on a 429 is honoured", async () => {
  const times: number[] = [];
  await using server = hostile((conn) => {
    times.push(performance.now());
    return times.length === 1
      ? answer(conn, 429, "<html>slow down</html>", {
        "content-type": "text/html",
        "retry-after": "1",
      })
      : answer(conn, 201, '{"id":"after-waiting"}');
  });
  const client = clientFor(server.url, { maxRetries: 1, retryDelayMs: 1 });
  deepStrictEqual(await client.invest(PLAN), { id: "after-waiting" });
  ok(times[1] - times[0] >= 950, `retried after ${Math.round(times[1] - times[0])} ms`);
});

Deno.test("Retry-After is capped by maxRetryDelayMs", async () => {
  let calls = 0;
  await using server = hostile((conn) =>
    ++calls === 1
      ? answer(conn, 429, "<html/>", { "content-type": "text/html", "retry-after": "86400" })
      : answer(conn, 201, '{"id":"capped"}')
  );
  const client = clientFor(server.url, { maxRetries: 1, retryDelayMs: 1, maxRetryDelayMs: 50 });
  // A day's wait would outlive this signal: the call would reject with it.
  const signal = AbortSignal.timeout(10_000);
  deepStrictEqual(await client.invest(PLAN, { signal }), { id: "capped" });
});

Deno.test("a 429 after the last retry says how long WhiteBIT asked to wait", async () => {
  const { error } = await failureOf(
    (conn) => answer(conn, 429, "<html/>", { "content-type": "text/html", "retry-after": "7" }),
    (client) => client.invest(PLAN),
  );
  ok(error instanceof RateLimitError);
  strictEqual(error.retryAfterMs, 7_000);
  strictEqual(error.outcome, "not_executed");
});
