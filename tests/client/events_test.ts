import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import type { WhiteBitEvent } from "../../mod.ts";
import { ACCOUNT, PATHS, setup } from "../_fixtures.ts";

function recording(client: Record<string, unknown> = {}) {
  const events: WhiteBitEvent[] = [];
  const fixture = setup({ client: { ...client, onEvent: (event) => events.push(event) } });
  return { ...fixture, events };
}

Deno.test("onEvent: a request and its answer, with path, nonce, parameters and timing", async () => {
  const { client, planId, events, sent } = recording();
  await client.invest({ planId, amount: "100" });
  deepStrictEqual(events.map((event) => event.type), ["request", "response"]);
  const [request, response] = events;
  strictEqual(request.type === "request" && request.requestPath, PATHS.invest);
  deepStrictEqual(request.type === "request" && request.params, { planId, amount: "100" });
  strictEqual(request.nonce, sent[0].nonce);
  strictEqual(response.type === "response" && response.status, 201);
  ok(response.type === "response" && response.durationMs >= 0);
});

Deno.test("onEvent: a failure says its class and outcome", async () => {
  const { client, sandbox, planId, events } = recording({ maxRetries: 0 });
  sandbox.injectFault({ kind: "drop", afterProcessing: true });
  await client.invest({ planId, amount: "100" }).catch(() => {});
  deepStrictEqual(events.map((event) => event.type), ["request", "error"]);
  const failure = events[1];
  ok(failure.type === "error");
  strictEqual(failure.error, "NetworkError");
  strictEqual(failure.outcome, "unknown");
});

Deno.test("onEvent: a refused answer is an answer and a failure; a retry is a new request", async () => {
  const { client, sandbox, planId, events } = recording({ retryDelayMs: 1 });
  sandbox.injectFault({ kind: "respond", status: 429, body: "<html/>" });
  await client.invest({ planId, amount: "100" });
  deepStrictEqual(events.map((event) => event.type), [
    "request",
    "response",
    "error",
    "request",
    "response",
  ]);
  ok(events[2].type === "error" && events[2].outcome === "not_executed");
});

Deno.test("onEvent never carries credentials, and a throwing hook changes nothing", async () => {
  const events: string[] = [];
  const { client, planId, sandbox } = setup({
    client: {
      onEvent: (event) => {
        events.push(JSON.stringify(event));
        throw new Error("a broken audit hook");
      },
    },
  });
  const { id } = await client.invest({ planId, amount: "100" });
  strictEqual(sandbox.investments[0].id, id);
  ok(events.length === 2);
  for (const event of events) {
    ok(!event.includes(ACCOUNT.apiKey) && !event.includes(ACCOUNT.apiSecret), event);
    ok(!/payload|signature/i.test(event), event);
  }
});

Deno.test("onEvent: a dry run sends nothing, so says nothing", async () => {
  const { client, planId, events } = recording({ dryRun: true });
  await client.invest({ planId, amount: "100" }).catch(() => {});
  deepStrictEqual(events, []);
});

Deno.test("a call's onEvent gets that call's events only, after the client's own", async () => {
  const order: string[] = [];
  const { client, planId } = setup({ client: { onEvent: (e) => order.push(`client ${e.type}`) } });
  const first: WhiteBitEvent[] = [];
  const second: WhiteBitEvent[] = [];
  const [a, b] = await Promise.all([
    client.invest({ planId, amount: "100" }, {
      onEvent: (e) => (first.push(e), order.push(`call ${e.type}`)),
    }),
    client.invest({ planId, amount: "200" }, { onEvent: (e) => second.push(e) }),
  ]);
  ok(a.id !== b.id);
  deepStrictEqual(first.map((e) => e.type === "request" && e.params.amount), ["100", false]);
  deepStrictEqual(second.map((e) => e.type === "request" && e.params.amount), ["200", false]);
  strictEqual(first[0].nonce, first[1].nonce);
  ok(first[0].nonce !== second[0].nonce);
  strictEqual(order.filter((line) => line.startsWith("client")).length, 4);
  ok(order.indexOf("client request") < order.indexOf("call request"));
});

Deno.test("beforeSend runs on every attempt just before sending, with its nonce; if it throws, nothing is sent", async () => {
  const { client, sandbox, planId, sent } = setup({ client: { retryDelayMs: 1 } });
  sandbox.injectFault({ kind: "respond", status: 429, body: "<html/>" });
  // Each call sees the requests already sent: it runs after signing, before sending.
  const seen: number[] = [];
  const nonces: number[] = [];
  await client.invest({ planId, amount: "100" }, {
    beforeSend: (nonce) => {
      seen.push(sent.length);
      nonces.push(nonce);
    },
  });
  deepStrictEqual(seen, [0, 1], "once per attempt, each time before that attempt left");
  strictEqual(sent.length, 2);
  deepStrictEqual(nonces, sent.map((body) => body.nonce), "the nonce each attempt was signed with");

  const refusal = new Error("the lease ran out");
  const events: WhiteBitEvent[] = [];
  const before = sandbox.requests.length;
  const error = await client.invest({ planId, amount: "100" }, {
    onEvent: (event) => events.push(event),
    beforeSend: () => {
      throw refusal;
    },
  }).catch((e) => e);
  strictEqual(error, refusal, "the call rejects with what beforeSend threw");
  strictEqual(sandbox.requests.length, before, "nothing reached WhiteBIT");
  deepStrictEqual(events, [], "nothing was sent, so no request event");
  strictEqual(sandbox.investments.length, 1);
});
