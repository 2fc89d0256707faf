/**
 * Review (hostile): promises of the client that do not hold. Each test fails
 * on `review` as it stands and says which promise it attacks.
 */
import { ok, strictEqual } from "node:assert/strict";
import { WhiteBitClient, WhiteBitError } from "../../mod.ts";
import { fakeWhiteBit, json, PATHS, setup } from "../_fixtures.ts";
import { hostile, writeAll } from "./_hostile.ts";

const MiB = 1024 * 1024;
/** The sandbox's demo USDT flex plan. */
const FLEX_USDT = "8f2e9d3c-1a4b-4c2d-9e5f-6a7b8c9d0e1f";

/** 200 MiB of spaces, gzipped (about 200 KB), built without holding 200 MiB. */
async function gzipBomb(): Promise<Uint8Array> {
  const chunk = new Uint8Array(MiB).fill(0x20);
  let sent = 0;
  const source = new ReadableStream<BufferSource>({
    pull(controller) {
      if (sent++ < 200) controller.enqueue(chunk);
      else controller.close();
    },
  });
  return new Uint8Array(
    await new Response(source.pipeThrough(new CompressionStream("gzip"))).arrayBuffer(),
  );
}

// README: "an answer is read up to 1 MiB ... then the read stops and the
// connection is closed"; issue 9 §4: "Reading a 200 MiB answer must not grow
// the process by more than a few MiB." A Content-Length within the cap is
// trusted (`response.text()` whole), but fetch decompresses: the declared
// length is the compressed size.
Deno.test("review: a gzip answer of 200 KB on the wire and 200 MiB decoded is cut at 1 MiB too", async () => {
  const bomb = await gzipBomb();
  ok(bomb.length < MiB, `the compressed body is ${bomb.length} bytes: within the cap`);
  await using server = hostile(async (conn) => {
    await writeAll(
      conn,
      new TextEncoder().encode(
        `HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: ${bomb.length}\r\nconnection: close\r\n\r\n`,
      ),
    );
    await writeAll(conn, bomb);
  });
  const client = new WhiteBitClient({
    apiKey: "hostile-key",
    apiSecret: "hostile-secret",
    baseUrl: server.url,
    maxRetries: 0,
    timeoutMs: 60_000,
  });
  const before = Deno.memoryUsage().rss;
  const error = await client.invest({ planId: "plan-1", amount: "100" }).catch((e) => e);
  const grown = (Deno.memoryUsage().rss - before) / MiB;
  ok(error instanceof WhiteBitError, String(error));
  strictEqual(error.outcome, "unknown");
  ok(grown < 64, `the process grew ${grown.toFixed(1)} MiB reading a 200 KB answer`);
  ok(
    /over 1048576 bytes/.test(error.message),
    `stopped by the 1 MiB cap, not read whole: ${error.message.slice(0, 160)}`,
  );
});

// README (Audit events): "The hook is called synchronously and what it
// throws is ignored, so it cannot change a call's result." The request event
// hands the hook the very params object that is signed again on a retry and
// copied into the error for reconciliation. A logger that masks or rewrites
// fields in place (as in-place redactors do) changes what is invested.
Deno.test("review: an onEvent hook that rewrites event.params changes the amount signed on the retry after a 429", async () => {
  const { sandbox, client, planId } = setup({
    client: {
      onEvent: (event) => {
        if (event.type === "request") (event.params as Record<string, unknown>).amount = "1000";
      },
    },
  });
  sandbox.injectFault(
    { kind: "respond", status: 429, body: '{"code":0,"message":"Too many requests."}' },
    { times: 1, path: PATHS.invest },
  );
  await client.invest({ planId, amount: "100" });
  strictEqual(sandbox.investments.length, 1);
  strictEqual(sandbox.investments[0].amount, "100", "the amount the caller wrote, not the hook's");
});

Deno.test("review: an onEvent hook that rewrites event.params makes findInvestment() answer null for an investment that exists", async () => {
  const { sandbox, client, planId } = setup({
    client: {
      onEvent: (event) => {
        if (event.type === "request") (event.params as Record<string, unknown>).amount = "1000";
      },
    },
  });
  sandbox.injectFault({ kind: "drop", afterProcessing: true }, { path: PATHS.invest });
  const error = await client.invest({ planId, amount: "100" }).catch((e) => e);
  ok(error instanceof WhiteBitError);
  strictEqual(error.outcome, "unknown");
  strictEqual(sandbox.investments.length, 1, "the investment of 100 exists");
  const found = await client.findInvestment(error);
  strictEqual(found?.id, sandbox.investments[0].id, "null here means 'safe to invest again'");
  strictEqual(error.params.amount, "100", "the error keeps what was sent");
});

// README: findInvestment's `null` "only ever means there provably is no such
// investment". It stops at the first page with fewer than 100 records without
// checking the page's `limit` (findTransaction does check it): a WhiteBIT that
// serves 50 a page makes `null` out of an investment on page 2.
Deno.test("review: findInvestment() does not answer null when WhiteBIT serves shorter pages than asked", async () => {
  const plan = {
    id: "plan-x",
    ticker: "USDT",
    status: 1,
    percent: "1",
    duration: 43_200,
    interestTicker: "USDT",
    interestRatio: "1",
    minInvestment: "1",
    maxInvestment: "1000",
    maxPossibleInvestment: "1000",
  };
  const records = Array.from({ length: 60 }, (_, i) => ({
    id: `inv-${i}`,
    plan,
    status: 1,
    created: 1_800_000_100 - i,
    updated: 1_800_000_100 - i,
    paymentTime: 1_800_100_000,
    amount: i === 55 ? "777" : "10",
    interestPaid: "0",
  }));
  const { client } = fakeWhiteBit(({ path, body }) => {
    if (path === PATHS.plans) return json(200, [plan]);
    const offset = (body.offset as number | undefined) ?? 0;
    // Newest first, but 50 a page whatever was asked, and saying so.
    return json(200, { offset, limit: 50, records: records.slice(offset, offset + 50) });
  });
  const result = await client.findInvestment({
    requestPath: PATHS.invest,
    outcome: "unknown",
    params: { planId: "plan-x", amount: "777" },
    attemptedAt: 1_800_000_000_000,
  }).catch((error) => error);
  ok(
    result?.id === "inv-55" || result instanceof RangeError,
    `the investment exists (record 56 of 60): found it, or said "unknown"; got ${
      result === null ? "null" : result
    }`,
  );
});

// DEVELOPERS rule 4 ("Bad input gets a clear error and changes nothing") and
// issue 11 (WhiteBIT's own CLI sends wrong names such as planId): the server
// refuses unknown fields with a 400, the client silently drops them and sends
// the call without them.
Deno.test("review: the client refuses misspelled or unknown parameter names, and sends nothing", async (t) => {
  const cases: [string, (client: WhiteBitClient, fixedPlan: string) => Promise<unknown>][] = [
    [
      "flex.invest withReinvestment (for withReinvest): opens a position without reinvesting",
      (client) =>
        client.flex.invest({ plan: FLEX_USDT, amount: "100", withReinvestment: true } as never),
    ],
    [
      "flex.investments planId (WhiteBIT CLI's name for plan): every plan's positions",
      (client) => client.flex.investments({ planId: FLEX_USDT } as never),
    ],
    [
      "invest with preflight as a parameter, not an option: invested without the check",
      (client, planId) => client.invest({ planId, amount: "100", preflight: true } as never),
    ],
  ];
  for (const [name, call] of cases) {
    await t.step(name, async () => {
      const { client, sent, planId } = setup();
      const error = await call(client, planId).then(() => undefined, (e) => e);
      ok(error instanceof TypeError, `refused before sending, got ${error}`);
      strictEqual(sent.length, 0, "nothing sent");
    });
  }
});
