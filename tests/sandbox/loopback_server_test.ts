// The loopback transport: HTTP/1.1 on 127.0.0.1 with keep-alive, chunked
// bodies and dropped connections; bounded reads; a close that ends every
// connection.

import { strictEqual } from "node:assert/strict";
import { importApiSecret, signBody } from "../../sign.ts";
import { serveLoopback } from "../../sandbox/_loopback_server.ts";
import { INVEST, investBody, KEY, sandboxAt, SECRET } from "./_fixtures.ts";

Deno.test("sandbox over HTTP: keep-alive, chunked bodies and a drop", async () => {
  const sandbox = sandboxAt(Date.now());
  await using server = sandbox.listen();
  const body = investBody(Date.now());
  const { payload, signature } = await signBody(await importApiSecret(SECRET), body);
  const response = await fetch(`${server.url}${INVEST}`, {
    method: "POST",
    headers: { "x-txc-apikey": KEY, "x-txc-payload": payload, "x-txc-signature": signature },
    body: new Blob([body]).stream(),
    duplex: "half",
  } as RequestInit);
  strictEqual(response.status, 201, await response.clone().text());
  await response.body?.cancel();
  sandbox.injectFault({ kind: "drop" }, { path: INVEST });
  const dropped = await fetch(`${server.url}${INVEST}`, { method: "POST", body: new Blob(["{}"]) })
    .catch((error) => error);
  strictEqual(dropped instanceof TypeError, true);
  strictEqual(sandbox.investments.length, 1);
});

/** Everything the peer sends until it closes the connection. */
async function readToEnd(connection: Deno.Conn, text = ""): Promise<string> {
  const decoder = new TextDecoder();
  const chunk = new Uint8Array(64 * 1024);
  for (let read; (read = await connection.read(chunk).catch(() => null)) !== null;) {
    text += decoder.decode(chunk.subarray(0, read));
  }
  connection.close();
  return text;
}

Deno.test("loopback: a head over 64 KiB, a body over 16 MiB or a bad chunk closes that connection unanswered; the next is served", async () => {
  let handled = 0;
  await using server = serveLoopback(() => {
    handled++;
    return Promise.resolve(new Response("ok"));
  });
  const { port } = new URL(server.url);
  const attacks = [
    `GET / HTTP/1.1\r\nx-long: ${"a".repeat(70 * 1024)}`,
    "POST / HTTP/1.1\r\ncontent-length: 16777217\r\n\r\n",
    "POST / HTTP/1.1\r\ncontent-length: -1\r\n\r\n",
    "POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
    "POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n1000001\r\n",
  ];
  for (const attack of attacks) {
    const connection = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
    await connection.write(new TextEncoder().encode(attack)).catch(() => 0);
    strictEqual(await readToEnd(connection), "", attack.slice(0, 60));
  }
  strictEqual(handled, 0);
  const response = await fetch(server.url);
  strictEqual(await response.text(), "ok");
});

Deno.test("loopback: close() ends idle keep-alive connections and resolves", async () => {
  const server = serveLoopback(() => Promise.resolve(new Response("ok")));
  const connection = await Deno.connect({
    hostname: "127.0.0.1",
    port: Number(new URL(server.url).port),
  });
  await connection.write(new TextEncoder().encode("GET / HTTP/1.1\r\nhost: x\r\n\r\n"));
  let text = "";
  const chunk = new Uint8Array(1024);
  while (!text.endsWith("\r\n\r\nok")) {
    const read = await connection.read(chunk);
    if (read === null) break;
    text += new TextDecoder().decode(chunk.subarray(0, read));
  }
  strictEqual(text.startsWith("HTTP/1.1 200"), true, text);
  strictEqual(text.includes("connection: keep-alive"), true, text);
  await server.close();
  strictEqual(await readToEnd(connection), "", "closed by the server");
});
