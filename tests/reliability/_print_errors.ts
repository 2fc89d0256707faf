/**
 * Fixture of the secret-leak scan (tests/reliability/secret_leaks.ts): makes
 * the client fail in every way against a sandbox on 127.0.0.1, prints each
 * error and each `onEvent` event every way a program might, then lets the
 * last error escape uncaught so that the runtime prints it too. Arguments:
 * the API key and the secret.
 *
 * @module
 */

import { WhiteBitClient, type WhiteBitEvent } from "../../mod.ts";
import { WhiteBitSandbox } from "../../testing.ts";

/** Every kind of event printed, by kind. */
const events: Record<string, number> = {};
/** An audit hook that prints each event every way: the scan reads all of it. */
function onEvent(event: WhiteBitEvent): void {
  events[event.type] = (events[event.type] ?? 0) + 1;
  console.log(event);
  console.log(JSON.stringify(event), String(event));
  console.log(Deno.inspect(event, { depth: 10, showHidden: true, getters: true }));
}

const [apiKey, apiSecret] = Deno.args;
const sandbox = new WhiteBitSandbox({
  accounts: [{ apiKey, apiSecret, balances: { USDT: "50" } }],
});
await using server = sandbox.listen();
const planId = sandbox.plans[0].id;
const client = new WhiteBitClient({
  apiKey,
  apiSecret,
  baseUrl: server.url,
  timeoutMs: 50,
  onEvent,
});
console.log(client);
console.log(JSON.stringify(client), String(client));

const failures: (() => Promise<unknown>)[] = [
  () => client.invest({ planId, amount: "100" }), // 422: not enough balance
  () => client.invest({ planId: "no-such-plan", amount: "10" }), // 400
  () => client.invest({ planId, amount: "1e3" }), // RangeError, nothing sent
  () =>
    new WhiteBitClient({ apiKey, apiSecret: "wrong", baseUrl: server.url, onEvent }).invest({
      planId,
      amount: "10",
    }), // 401
];
for (
  const fault of [
    { kind: "drop", afterProcessing: true },
    { kind: "respond", status: 500, body: '{"error":["Internal server error."]}' },
    { kind: "respond", status: 503, body: "<html>Maintenance</html>", contentType: "text/html" },
    { kind: "respond", status: 201, body: "OK", afterProcessing: true },
    { kind: "latency", ms: 200 },
  ] as const
) {
  failures.push(() => {
    sandbox.injectFault(fault);
    return client.invest({ planId, amount: "10" });
  });
}
failures.push(() => { // aborted by the caller after sending
  sandbox.injectFault({ kind: "latency", ms: 100 });
  return client.invest({ planId, amount: "10" }, { signal: AbortSignal.timeout(10) });
});

let last: unknown;
let printed = 0;
for (const fail of failures) {
  try {
    await fail();
  } catch (error) {
    console.log(error);
    console.error(String(error), JSON.stringify(error));
    console.log(Deno.inspect(error, { depth: 10, showHidden: true, getters: true }));
    last = error;
    printed++;
  }
}
await sandbox.settled();
console.log(`printed ${printed} errors of ${failures.length} failures`);
console.log(`printed events: ${JSON.stringify(events)}`);
throw last;
