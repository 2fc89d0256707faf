import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { NetworkError, WhiteBitClient } from "../../mod.ts";
import { WhiteBitSandbox } from "../../testing.ts";

// Deno's fetch was seen re-sending a POST on a new connection when a reused
// keep-alive connection closed before the answer (shared/whitebit/NOTES.md).
// These tests warm a connection, then make the sandbox carry the investment
// out and close that connection without answering.

const INVEST = "/api/v4/main-account/smart/investment";

async function warmSandbox() {
  const sandbox = new WhiteBitSandbox();
  const server = sandbox.listen();
  const planId = sandbox.plans[0].id;
  const warm = await fetch(`${server.url}/api/v4/public/time`);
  await warm.body?.cancel();
  return { sandbox, server, planId };
}

Deno.test("control: a plain string POST on a warm connection reaches the server twice", async () => {
  const { sandbox, server } = await warmSandbox();
  await using _ = server;
  sandbox.injectFault({ kind: "drop" });
  const response = await fetch(`${server.url}${INVEST}`, { method: "POST", body: "{}" });
  await response.body?.cancel();
  // The caller sees only the copy's answer (401: unsigned), not the dropped first copy.
  strictEqual(response.status, 401);
  // If this ever reads one request, the runtime stopped replaying and the guard is moot, not wrong.
  deepStrictEqual(
    sandbox.requests.filter((r) => r.path === INVEST).map((r) => r.status),
    ["dropped", 401],
  );
});

Deno.test("invest() on a warm connection that drops after processing reaches WhiteBIT once", async () => {
  const { sandbox, server, planId } = await warmSandbox();
  await using _ = server;
  const client = new WhiteBitClient({ ...sandbox.credentials, baseUrl: server.url });
  await client.invest({ planId, amount: "100" }); // the client's own connection is warm too
  sandbox.injectFault({ kind: "drop", afterProcessing: true });
  const error = await client.invest({ planId: sandbox.plans[1].id, amount: "0.5" }).catch((e) => e);
  ok(error instanceof NetworkError, String(error));
  strictEqual(error.outcome, "unknown");
  const invests = sandbox.requests.filter((r) => r.path === INVEST);
  strictEqual(invests.length, 2, "one request per investment attempt");
  strictEqual(invests[1].status, "dropped");
  strictEqual(sandbox.investments.length, 2, "the dropped one was carried out, once");
});

Deno.test("the same holds for 20 drops in a row on reused connections", async () => {
  const { sandbox, server } = await warmSandbox();
  await using _ = server;
  const client = new WhiteBitClient({ ...sandbox.credentials, baseUrl: server.url });
  sandbox.injectFault({ kind: "drop", afterProcessing: true }, { times: 20 });
  for (let i = 0; i < 20; i++) {
    const error = await client.invest({ planId: sandbox.plans[0].id, amount: "1" }).catch((e) => e);
    ok(error instanceof NetworkError);
    await client.syncTime(); // re-warms a pooled connection between drops
  }
  strictEqual(sandbox.requests.filter((r) => r.path === INVEST).length, 20);
});
