/**
 * A fleet on one WhiteBIT key as real processes: `deno serve server.ts`
 * instances configured only by the environment, sharing one Deno KV file
 * (`LENDING_DENO_KV`), against the sandbox on 127.0.0.1. Instances are
 * stopped with SIGTERM or killed with SIGKILL mid-call. Waits are for a
 * condition, bounded by a deadline; no assertion rests on how long
 * anything took.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { WhiteBitSandbox } from "../../testing.ts";
import {
  hangingSandbox,
  PATHS,
  PLAN,
  SERVER_ACCOUNT,
  startServe,
  tempDir,
  TOKENS,
} from "../_fixtures.ts";

type Serve = Awaited<ReturnType<typeof startServe>>;

function newSandbox() {
  return new WhiteBitSandbox({
    accounts: [{ ...SERVER_ACCOUNT, balances: { USDT: "1000000" } }],
    plans: [{ ...PLAN, maxPossibleInvestment: "100000000" }],
  });
}

/** The environment of an instance on the sandbox at `url`. */
function envOf(sandbox: WhiteBitSandbox, url: string, more: Record<string, string> = {}) {
  return {
    WHITEBIT_API_KEY: sandbox.credentials.apiKey,
    WHITEBIT_API_SECRET: sandbox.credentials.apiSecret,
    WHITEBIT_BASE_URL: url,
    LENDING_API_TOKENS: TOKENS.join(","),
    ...more,
  };
}

function invest(serve: Serve, amount: string, key?: string): Promise<Response> {
  return fetch(`${serve.url}/v1/investments`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${TOKENS[0]}`,
      "content-type": "application/json",
      ...(key ? { "idempotency-key": key } : {}),
    },
    body: JSON.stringify({ planId: PLAN.id, amount }),
  });
}

/** Tries `attempt` every 250 ms until it returns a value, for at most `ms`. */
async function eventually<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (true) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function health(serve: Serve): Promise<{ status: number; body: { status: string } }> {
  const response = await fetch(`${serve.url}/healthz`);
  return { status: response.status, body: await response.json() };
}

Deno.test("WHITEBIT_NONCE_LANE=3/8: every nonce ≡ 3 (mod 8); an invalid lane is refused at start and nothing is sent", async () => {
  const sandbox = newSandbox();
  await using wire = sandbox.listen();
  {
    await using serve = await startServe(envOf(sandbox, wire.url, { WHITEBIT_NONCE_LANE: "3/8" }));
    for (const amount of ["1", "2", "3", "4", "5"]) {
      strictEqual((await invest(serve, amount)).status, 201);
    }
    const nonces = sandbox.requests.filter((r) => r.path === PATHS.invest).map((r) => r.nonce!);
    deepStrictEqual(nonces.map((nonce) => nonce % 8), [3, 3, 3, 3, 3]);
  }
  for (const lane of ["8/8", "3/0", "-1/8", "3/1001", "auto/", "3 of 8"]) {
    await using serve = await startServe(envOf(sandbox, wire.url, { WHITEBIT_NONCE_LANE: lane }));
    ok(
      serve.stderr.includes(
        "Invalid: WHITEBIT_NONCE_LANE (index/count such as 3/8, or auto/count; count 1 to 1000)",
      ),
      serve.stderr,
    );
    const { status, body } = await health(serve);
    strictEqual(status, 503);
    deepStrictEqual((body as unknown as { missing: string[] }).missing, [
      "WHITEBIT_NONCE_LANE (invalid)",
    ]);
    const refused = await invest(serve, "1");
    strictEqual(refused.status, 503);
    await refused.body?.cancel();
  }
  strictEqual(sandbox.requests.filter((r) => r.path === PATHS.invest).length, 5);
});

Deno.test("auto/2 without a shared store is refused at start; LENDING_DENO_KV without permission for its file too", async () => {
  const sandbox = newSandbox();
  await using wire = sandbox.listen();
  {
    await using serve = await startServe(
      envOf(sandbox, wire.url, { WHITEBIT_NONCE_LANE: "auto/2" }),
    );
    ok(serve.stderr.includes("auto/count needs a shared store"), serve.stderr);
    strictEqual((await health(serve)).status, 503);
  }
  await using dir = await tempDir();
  await using serve = await startServe(
    envOf(sandbox, wire.url, { LENDING_DENO_KV: `${dir.path}/kv.sqlite3` }),
  );
  // The repository's deno.json turns KV on, so without a permission for the file it is refused.
  ok(serve.stderr.includes("LENDING_DENO_KV (no permission to read it"), serve.stderr);
  strictEqual((await health(serve)).status, 503);
});

Deno.test("two deno serve instances on one Deno KV file share Idempotency-Keys", async () => {
  const sandbox = newSandbox();
  await using wire = sandbox.listen();
  await using dir = await tempDir();
  const env = envOf(sandbox, wire.url, { LENDING_DENO_KV: `${dir.path}/kv.sqlite3` });
  await using a = await startServe({ ...env, WHITEBIT_NONCE_LANE: "0/2" }, { kvDir: dir.path });
  await using b = await startServe({ ...env, WHITEBIT_NONCE_LANE: "1/2" }, { kvDir: dir.path });
  const first = await invest(a, "7", "shared-key-1");
  strictEqual(first.status, 201);
  const replay = await invest(b, "7", "shared-key-1");
  strictEqual(replay.headers.get("idempotent-replayed"), "true");
  deepStrictEqual(await replay.json(), await first.json());
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("deno serve instances on one Deno KV file: the holder of a key is killed with SIGKILL mid-invest; another answers 409 until its lease runs out, then 201 with the same investment, reconciled", async () => {
  const sandbox = newSandbox();
  await using proxy = hangingSandbox(sandbox);
  await using dir = await tempDir();
  const env = envOf(sandbox, proxy.url, {
    LENDING_DENO_KV: `${dir.path}/kv.sqlite3`,
    LENDING_IDEMPOTENCY_LEASE_MS: "20000",
  });
  await using dying = await startServe({ ...env, WHITEBIT_NONCE_LANE: "0/2" }, {
    kvDir: dir.path,
  });
  await using survivor = await startServe({ ...env, WHITEBIT_NONCE_LANE: "1/2" }, {
    kvDir: dir.path,
  });
  const carriedOut = proxy.hang(PATHS.invest);
  const first = invest(dying, "42.5", "order-killed").catch((error) => error);
  await carriedOut; // WhiteBIT invested; the answer is on its way
  await dying.stop("SIGKILL");
  ok(await first instanceof Error, "the caller lost its connection");
  strictEqual(sandbox.investments.length, 1);
  const { id } = sandbox.investments[0];

  const early = await invest(survivor, "42.5", "order-killed");
  strictEqual(early.status, 409, "the killed holder's lease still runs");
  strictEqual((await early.json()).outcome, "unknown");
  let conflicts = 1;
  const reconciled = await eventually("the key reconciled", async () => {
    const response = await invest(survivor, "42.5", "order-killed");
    if (response.status === 409) {
      conflicts++;
      await response.body?.cancel();
      return undefined;
    }
    return response;
  });
  strictEqual(reconciled.status, 201);
  strictEqual(reconciled.headers.get("idempotent-reconciled"), "found");
  deepStrictEqual(await reconciled.json(), { id });
  const replay = await invest(survivor, "42.5", "order-killed");
  strictEqual(replay.headers.get("idempotent-replayed"), "true");
  deepStrictEqual(await replay.json(), { id });
  strictEqual(sandbox.investments.length, 1, "exactly one investment");
  strictEqual(sandbox.requests.filter((r) => r.path === PATHS.invest).length, 1);
  const logged = (await survivor.accessLog()).find((entry) => entry.reconciled === "found");
  ok(logged?.events?.some((event) => event.requestPath === PATHS.investments));
  console.log(`  409 answered ${conflicts} times before the lease ran out, then reconciled`);
});

/** Starts instances of `auto/2` on one KV file, with leases of `leaseMs`. */
function laneFleet(sandbox: WhiteBitSandbox, url: string, dir: string, leaseMs: number) {
  const env = envOf(sandbox, url, {
    LENDING_DENO_KV: `${dir}/kv.sqlite3`,
    WHITEBIT_NONCE_LANE: "auto/2",
    WHITEBIT_NONCE_LANE_LEASE_MS: String(leaseMs),
  });
  return () => startServe(env, { kvDir: dir });
}

/** Checks that the first two instances hold the two lanes and the third sends nothing. */
async function twoOfThree(a: Serve, b: Serve, c: Serve): Promise<void> {
  strictEqual((await health(a)).status, 200);
  strictEqual((await health(b)).status, 200);
  const third = await health(c);
  strictEqual(third.status, 503);
  strictEqual(third.body.status, "no-nonce-lane");
  strictEqual((await invest(a, "1")).status, 201);
  strictEqual((await invest(b, "2")).status, 201);
  const refused = await invest(c, "3");
  strictEqual(refused.status, 503);
  strictEqual((await refused.json()).outcome, "not_executed");
}

Deno.test("WHITEBIT_NONCE_LANE=auto/2 on one Deno KV file: two of three instances hold a lane; one stopped with SIGTERM gives it up at once (its 10-minute lease never runs out)", async () => {
  const sandbox = newSandbox();
  await using wire = sandbox.listen();
  await using dir = await tempDir();
  const start = laneFleet(sandbox, wire.url, dir.path, 600_000);
  await using a = await start();
  await using b = await start();
  await using c = await start();
  await twoOfThree(a, b, c);
  const since = Date.now();
  await a.stop("SIGTERM");
  await eventually(
    "c takes the lane a gave up",
    async () => (await health(c)).status === 200 || undefined,
  );
  console.log(`  taken ${Date.now() - since} ms after SIGTERM (6 s of quiet)`);
  strictEqual((await invest(c, "4")).status, 201);
  const nonces = sandbox.requests.filter((r) => r.path === PATHS.invest).map((r) => r.nonce!);
  strictEqual(new Set(nonces).size, nonces.length, "no nonce used twice");
  strictEqual(sandbox.investments.length, 3);
});

Deno.test("WHITEBIT_NONCE_LANE=auto/2 on one Deno KV file: the lane of an instance killed with SIGKILL goes to another once its lease runs out", async () => {
  const sandbox = newSandbox();
  await using wire = sandbox.listen();
  await using dir = await tempDir();
  const start = laneFleet(sandbox, wire.url, dir.path, 10_000);
  await using a = await start();
  await using b = await start();
  await using c = await start();
  await twoOfThree(a, b, c);
  const since = Date.now();
  await b.stop("SIGKILL");
  await eventually(
    "c takes the lane b held",
    async () => (await health(c)).status === 200 || undefined,
  );
  console.log(`  taken ${Date.now() - since} ms after SIGKILL (a 10 s lease, then 6 s of quiet)`);
  strictEqual((await invest(c, "4")).status, 201);
  strictEqual((await invest(a, "5")).status, 201);
  const nonces = sandbox.requests.filter((r) => r.path === PATHS.invest).map((r) => r.nonce!);
  strictEqual(new Set(nonces).size, nonces.length, "no nonce used twice");
  strictEqual(sandbox.investments.length, 4);
});
