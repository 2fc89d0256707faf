/**
 * The main job on the embedded sandbox: start a local WhiteBIT on 127.0.0.1,
 * invest through the client, print the signed request (secret and signature
 * redacted) and the result, then one rejected investment with its error
 * class and outcome. No credentials, no traffic beyond 127.0.0.1.
 *
 * Run with `deno task demo`.
 *
 * @module
 */

import { InvestmentRejectedError, WhiteBitClient, WhiteBitError } from "../mod.ts";
import { redactHeaders } from "../client/_redact.ts";
import type { FetchLike } from "../client/options.ts";
import { WhiteBitSandbox } from "../testing.ts";

const sandbox = new WhiteBitSandbox();
await using server = sandbox.listen();
console.log(`Sandbox WhiteBIT on ${server.url} (nothing leaves this machine)\n`);

const printingFetch: FetchLike = async (url, init) => {
  const body = init.body instanceof Blob ? await init.body.text() : String(init.body ?? "");
  console.log(`→ ${init.method} ${url}`);
  for (const [name, value] of Object.entries(redactHeaders(init.headers))) {
    console.log(`  ${name}: ${value}`);
  }
  console.log(`  body: ${body}`);
  const response = await fetch(url, init);
  console.log(`← ${response.status} ${await response.clone().text()}\n`);
  return response;
};

const client = new WhiteBitClient({
  ...sandbox.credentials,
  baseUrl: server.url,
  fetch: printingFetch,
});
const { apiKey } = sandbox.credentials;
const [usdtPlan, btcPlan] = sandbox.plans;

const before = sandbox.balance(apiKey, "USDT");
const { id } = await client.invest({ planId: usdtPlan.id, amount: "100" });
console.log(`Invested 100 USDT in plan ${usdtPlan.id}: investment ${id}`);
console.log(`USDT balance ${before} → ${sandbox.balance(apiKey, "USDT")}\n`);

console.log(`Now 5 BTC in plan ${btcPlan.id}, with ${sandbox.balance(apiKey, "BTC")} BTC held:`);
try {
  await client.invest({ planId: btcPlan.id, amount: "5" });
} catch (error) {
  if (!(error instanceof WhiteBitError)) throw error;
  const reason = error instanceof InvestmentRejectedError ? `, reason "${error.reason}"` : "";
  console.log(`Rejected: ${error.name}${reason}, outcome "${error.outcome}"`);
  console.log(`  ${error.message}`);
}
console.log(`\nLedger: ${sandbox.investments.length} investment(s).`);
console.log(`The client shows only ${JSON.stringify(client)}: never its key or secret.`);
