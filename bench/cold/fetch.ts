/**
 * The floor of the cold-start benchmark: one invest request, signed by the
 * harness beforehand, sent with a bare `fetch` and nothing else. Arguments:
 * the URL, API key, payload, signature and body.
 *
 * @module
 */

const [url, apiKey, payload, signature, body] = Deno.args;
const response = await fetch(url, {
  method: "POST",
  headers: {
    "Content-Type": "application/json",
    "X-TXC-APIKEY": apiKey,
    "X-TXC-PAYLOAD": payload,
    "X-TXC-SIGNATURE": signature,
  },
  body,
});
if (response.status !== 201) {
  throw new Error(`status ${response.status}: ${await response.text()}`);
}
await response.body?.cancel();
