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
