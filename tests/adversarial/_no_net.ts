/**
 * Run without --allow-net: invests through the real `fetch`, which Deno
 * refuses before opening any connection, and prints what the error says.
 */
import { WhiteBitClient, WhiteBitError } from "../../mod.ts";

const client = new WhiteBitClient({
  apiKey: "no-net-key",
  apiSecret: "no-net-secret",
  baseUrl: "http://127.0.0.1:65000",
});
try {
  await client.invest({ planId: "plan-1", amount: "100" });
  console.log(JSON.stringify({ invested: true }));
} catch (error) {
  if (!(error instanceof WhiteBitError)) throw error;
  console.log(JSON.stringify({ name: error.name, outcome: error.outcome, message: error.message }));
}
// Deno 2.9.6 keeps a process alive after a Blob-bodied fetch is refused for
// want of permission (a plain string body does not): exit explicitly.
Deno.exit(0);
