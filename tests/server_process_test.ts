import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { WhiteBitSandbox } from "../testing.ts";

// Deno Deploy's shape: `deno serve server.ts` as a real process on 127.0.0.1,
// configured from the environment, investing in the sandbox over HTTP.

const SERVER = new URL("../server.ts", import.meta.url).pathname;
const BLANK = Object.fromEntries(
  [
    "WHITEBIT_API_KEY",
    "WHITEBIT_API_SECRET",
    "WHITEBIT_BASE_URL",
    "LENDING_API_TOKENS",
    "LENDING_CORS_ORIGINS",
  ]
    .map((name) => [name, ""]),
);

async function startServe(env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "--host=127.0.0.1",
      "--port=0",
      "--allow-net=127.0.0.1",
      `--allow-env=${Object.keys(BLANK).join(",")}`,
      SERVER,
    ],
    // Inherited variables of these names are blanked, so only `env` configures the server.
    env: { ...BLANK, ...env, NO_COLOR: "1", RUST_BACKTRACE: "0" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // deno serve announces itself on stderr; the access log goes to stdout.
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const output: string[] = [];
  let url: string | undefined;
  const deadline = setTimeout(() => child.kill(), 30_000);
  while (!url) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`deno serve exited: ${output.join("")}`);
    output.push(value);
    url = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(""))?.[1];
  }
  clearTimeout(deadline);
  const drain = (async () => {
    while (!(await lines.read()).done) { /* the rest of stderr */ }
  })();
  const log = child.stdout.text();
  return {
    url,
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await drain;
      ok(!(await log).includes(env.WHITEBIT_API_SECRET ?? "\u0000"), "no secret in the access log");
    },
  };
}

Deno.test("deno serve server.ts: configured from the environment, invests in the sandbox", async () => {
  const sandbox = new WhiteBitSandbox();
  await using wire = sandbox.listen();
  await using serve = await startServe({
    WHITEBIT_API_KEY: sandbox.credentials.apiKey,
    WHITEBIT_API_SECRET: sandbox.credentials.apiSecret,
    WHITEBIT_BASE_URL: wire.url,
    LENDING_API_TOKENS: "rotated-out,current-token",
  });
  const health = await fetch(`${serve.url}/healthz`);
  deepStrictEqual(await health.json(), { status: "ok" });
  const denied = await fetch(`${serve.url}/v1/investments`, { method: "POST" });
  strictEqual(denied.status, 401);
  await denied.body?.cancel();
  const response = await fetch(`${serve.url}/v1/investments`, {
    method: "POST",
    headers: { authorization: "Bearer current-token", "content-type": "application/json" },
    body: JSON.stringify({ planId: sandbox.plans[0].id, amount: "250" }),
  });
  strictEqual(response.status, 201);
  const { id } = await response.json();
  strictEqual(sandbox.investments[0].id, id);
  strictEqual(sandbox.balance(sandbox.credentials.apiKey, "USDT"), "9750");
});

Deno.test("deno serve server.ts: without configuration every route but /healthz is 503", async () => {
  await using serve = await startServe({});
  strictEqual((await (await fetch(`${serve.url}/healthz`)).json()).status, "ok");
  const response = await fetch(`${serve.url}/v1/investments`, {
    method: "POST",
    headers: { authorization: "Bearer anything" },
  });
  strictEqual(response.status, 503);
  ok((await response.json()).type.endsWith("not-configured"));
});
