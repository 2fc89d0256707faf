/**
 * Odd input and odd configuration: fields and parameters named like
 * `Object.prototype` members, padded tokens, missing or unreadable
 * settings. Bad input changes nothing; a server that cannot work says so,
 * by name, and never "ok".
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import handler, { createApp } from "../../server.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import { PLAN, problemOf, setupServer, startServe, typeOf } from "../_fixtures.ts";

const PROTOTYPE_NAMES = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "isPrototypeOf",
  "__defineGetter__",
];

Deno.test("body fields named like Object.prototype members are unknown fields: 400, nothing sent", async () => {
  const { sandbox, call } = setupServer();
  const investment = await (await call("/v1/investments", {
    method: "POST",
    json: { planId: PLAN.id, amount: "10" },
  })).json();
  const before = sandbox.requests.length;
  for (const name of PROTOTYPE_NAMES) {
    // Written as text: JSON.parse makes `__proto__` an own field, as a caller's body would.
    const member = `${JSON.stringify(name)}:{}`;
    const cases: [string, string][] = [
      ["/v1/investments", `{"planId":"${PLAN.id}","amount":"10",${member}}`],
      [`/v1/investments/${investment.id}/close`, `{${member}}`],
    ];
    for (const [path, body] of cases) {
      const response = await call(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      strictEqual(response.status, 400, `${name} on ${path}`);
      const p = await problemOf(response);
      deepStrictEqual(p.fieldErrors?.[name], ["Unknown field."], name);
      strictEqual(p.outcome, "not_executed");
    }
  }
  strictEqual(sandbox.requests.length, before, "nothing reached WhiteBIT");
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("query parameters named like Object.prototype members are unknown: 400, nothing sent", async () => {
  const { sandbox, call } = setupServer();
  for (const name of PROTOTYPE_NAMES) {
    for (const path of ["/v1/plans", "/v1/investments", "/v1/interest-payments"]) {
      const response = await call(`${path}?${encodeURIComponent(name)}=1`);
      strictEqual(response.status, 400, `${path}?${name}`);
      const fieldErrors = (await problemOf(response)).fieldErrors ?? {};
      deepStrictEqual(Object.keys(fieldErrors), [name]);
      deepStrictEqual(fieldErrors[name], ["Unknown field."], name);
    }
  }
  strictEqual(sandbox.requests.length, 0);
});

Deno.test("tokens are trimmed; a token no caller could send is refused at creation, never shown", async () => {
  const sandbox = new WhiteBitSandbox();
  const client = { ...sandbox.credentials, fetch: sandbox.fetch };
  const app = createApp({ client, tokens: [" padded-token ", "tabbed\t", "\n"], log: false });
  for (const token of ["padded-token", "tabbed"]) {
    const response = await app.fetch(
      new Request("http://localhost/v1/plans", { headers: { authorization: `Bearer ${token}` } }),
    );
    strictEqual(response.status, 200, token);
    await response.body?.cancel();
  }
  throws(
    () => createApp({ client, tokens: ["has a secret space"], log: false }),
    (error: Error) => error instanceof TypeError && !error.message.includes("secret"),
  );
});

Deno.test("/healthz is 503 not-configured while the server is unconfigured, naming what is missing", async () => {
  const sandbox = new WhiteBitSandbox();
  const client = { ...sandbox.credentials, fetch: sandbox.fetch };
  const cases: [Parameters<typeof createApp>[0], string[]][] = [
    [{}, ["client", "tokens"]],
    [{ client }, ["tokens"]],
    [{ client, tokens: [" ", ""] }, ["tokens"]],
    [{ tokens: ["t"] }, ["client"]],
  ];
  for (const [options, missing] of cases) {
    const response = await createApp({ ...options, log: false }).fetch(
      new Request("http://localhost/healthz"),
    );
    strictEqual(response.status, 503);
    deepStrictEqual(await response.json(), { status: "not-configured", missing });
  }
  const bound = await handler.fetch(new Request("http://localhost/healthz"), {
    WHITEBIT_API_KEY: "a-key",
    WHITEBIT_API_SECRET: "the-secret-value",
    WHITEBIT_BASE_URL: "not a url",
    LENDING_API_TOKENS: "t",
  });
  strictEqual(bound.status, 503);
  const text = await bound.text();
  ok(!text.includes("the-secret-value") && !text.includes("not a url"), "no value shown");
  deepStrictEqual(JSON.parse(text), {
    status: "not-configured",
    missing: ["WHITEBIT_BASE_URL (invalid)"],
  });
  const route = await handler.fetch(new Request("http://localhost/v1/plans"), {
    WHITEBIT_API_KEY: "a-key",
    WHITEBIT_API_SECRET: "the-secret-value",
    WHITEBIT_BASE_URL: "not a url",
    LENDING_API_TOKENS: "t",
  });
  strictEqual(route.status, 503);
  strictEqual((await problemOf(route)).type, typeOf("not-configured"));
});

Deno.test("deno serve server.ts without --allow-env: one line at start names what it cannot read, /healthz 503", async () => {
  await using serve = await startServe({ WHITEBIT_API_SECRET: "secret-never-shown" }, []);
  const lines = serve.stderr.split("\n").filter((line) => line.includes("@lending/whitebit"));
  strictEqual(lines.length, 1, serve.stderr);
  ok(lines[0].includes("--allow-env"), lines[0]);
  for (const name of ["WHITEBIT_API_KEY", "WHITEBIT_API_SECRET", "LENDING_API_TOKENS"]) {
    ok(lines[0].includes(name), name);
  }
  ok(!serve.stderr.includes("secret-never-shown"));
  const health = await fetch(`${serve.url}/healthz`);
  strictEqual(health.status, 503);
  deepStrictEqual(await health.json(), {
    status: "not-configured",
    missing: ["WHITEBIT_API_KEY", "WHITEBIT_API_SECRET", "LENDING_API_TOKENS"],
  });
});

Deno.test("deno serve server.ts with settings unset: one line at start names them, and no value", async () => {
  await using serve = await startServe({
    WHITEBIT_API_KEY: "key-value-never-shown",
    LENDING_API_TOKENS: " , ",
  });
  const lines = serve.stderr.split("\n").filter((line) => line.includes("@lending/whitebit"));
  strictEqual(lines.length, 1, serve.stderr);
  ok(lines[0].includes("Unset: WHITEBIT_API_SECRET, LENDING_API_TOKENS."), lines[0]);
  ok(!lines[0].includes("WHITEBIT_API_KEY") && !serve.stderr.includes("key-value-never-shown"));
  const health = await fetch(`${serve.url}/healthz`);
  strictEqual(health.status, 503);
  deepStrictEqual((await health.json()).missing, ["WHITEBIT_API_SECRET", "LENDING_API_TOKENS"]);
});
