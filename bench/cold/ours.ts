/**
 * Cold start of our client: import it, sign and send one invest, exit, and
 * print the time of each phase (ms since the process started) on stdout as
 * JSON. Arguments: sandbox URL, API key, API secret, plan id, and
 * `memory` to answer in process instead (an in-memory transport: a
 * `fetch` that returns WhiteBIT's 201 at once, no socket).
 *
 * @module
 */

const started = performance.now();
const { WhiteBitClient } = await import("../../mod.ts");
const imported = performance.now();
const [baseUrl, apiKey, apiSecret, planId, transport] = Deno.args;
const answer = '{"id":"00000000-0000-4000-8000-000000000000"}';
const client = new WhiteBitClient({
  apiKey,
  apiSecret,
  baseUrl,
  ...(transport === "memory"
    ? {
      fetch: () =>
        Promise.resolve(
          new Response(answer, {
            status: 201,
            headers: { "content-length": `${answer.length}` },
          }),
        ),
    }
    : {}),
});
const constructed = performance.now();
await client.invest({ planId, amount: "1" });
const invested = performance.now();
console.log(JSON.stringify({ started, imported, constructed, invested }));
