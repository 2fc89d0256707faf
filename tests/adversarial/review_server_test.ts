/**
 * Review (hostile): promises of `@lending/whitebit/server` that do not hold.
 * Each test fails on `review` as it stands and says which promise it attacks.
 */
import { ok, strictEqual } from "node:assert/strict";
import { WhiteBitSandbox } from "../../testing.ts";
import { PLAN, SERVER_ACCOUNT, setupServer } from "../_fixtures.ts";

const SERVER = new URL("../../server.ts", import.meta.url).pathname;

// DEVELOPERS rule 2: "ambiguous input (a flag given twice) is refused";
// README: repeated query parameters are 400, the CLI refuses a flag given
// twice. A JSON body with "amount" twice is just as ambiguous (RFC 8259:
// names SHOULD be unique; parsers disagree on which wins), yet the server
// invests whichever JSON.parse keeps.
Deno.test("review: a body with a field given twice is refused (400), nothing invested", async () => {
  const { sandbox, call } = setupServer();
  const response = await call("/v1/investments", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: `{"planId":"${PLAN.id}","amount":"1","amount":"100"}`,
  });
  const text = await response.text();
  strictEqual(sandbox.investments.length, 0, `nothing invested (got ${response.status} ${text})`);
  strictEqual(response.status, 400);
});

// README: one access-log line per request; an answer that moved money must
// reach the caller with its truth (201 with the id, or a problem with its
// outcome). A log sink that throws (console.log on a full disk throws "No
// space left on device (os error 28)" in Deno) turns the 201 into a 500
// "internal" problem with no outcome at all, after the money moved.
Deno.test("review: a throwing access log does not replace the 201 of an investment that was made", async () => {
  const { sandbox, invest } = setupServer({
    app: {
      log: () => {
        throw new Error("No space left on device (os error 28)");
      },
    },
  });
  const response = await invest({ planId: PLAN.id, amount: "10" });
  const text = await response.text();
  strictEqual(sandbox.investments.length, 1, "the investment was made");
  strictEqual(response.status, 201, `the caller must learn it: got ${response.status} ${text}`);
});

// The same with the default log, as deployed: `deno serve server.ts` whose
// stdout (the access log) is a file on a full disk.
Deno.test("review: deno serve server.ts with its access log on a full disk still answers 201 for an investment made", async () => {
  const sandbox = new WhiteBitSandbox({ accounts: [{ ...SERVER_ACCOUNT }], plans: [PLAN] });
  await using wire = sandbox.listen();
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      'exec "$0" serve --host=127.0.0.1 --port=0 --allow-net=127.0.0.1 --allow-env "$1" > /dev/full',
      Deno.execPath(),
      SERVER,
    ],
    env: {
      WHITEBIT_API_KEY: sandbox.credentials.apiKey,
      WHITEBIT_API_SECRET: sandbox.credentials.apiSecret,
      WHITEBIT_BASE_URL: wire.url,
      LENDING_API_TOKENS: "disk-full-token",
      LENDING_CORS_ORIGINS: "",
      NO_COLOR: "1",
      RUST_BACKTRACE: "0",
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let seen = "";
    let url: string | undefined;
    while (!url) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`deno serve exited: ${seen}`);
      seen += value;
      url = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen)?.[1];
    }
    const response = await fetch(`${url}/v1/investments`, {
      method: "POST",
      headers: { authorization: "Bearer disk-full-token", "content-type": "application/json" },
      body: JSON.stringify({ planId: PLAN.id, amount: "10" }),
    });
    const text = await response.text();
    strictEqual(sandbox.investments.length, 1, "the investment was made");
    ok(
      response.status === 201 || JSON.parse(text).outcome === "unknown",
      `201, or at least a problem saying funds may have moved: got ${response.status} ${text}`,
    );
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await lines.cancel().catch(() => {});
  }
});
