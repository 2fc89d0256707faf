// Cloudflare Workers with the Durable Object binding LENDING_IDEMPOTENCY: the
// Worker bundle of server.ts (its default export and IdempotencyDurableObject)
// in a real workerd through Miniflare, with SQLite storage persisted in a
// temporary folder, investing in the sandbox on 127.0.0.1 behind a proxy
// that can hold WhiteBIT's answer. Every wait is bounded by a deadline.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { WhiteBitSandbox } from "../../testing.ts";
import { accountDigest } from "../../server/_idempotency_key.ts";
import { hangingSandbox, PATHS, SERVER_ACCOUNT } from "../_fixtures.ts";
import {
  beforeDeadline,
  bundleWorker,
  loadMiniflare,
  type Miniflare,
  WORKERD_COMPATIBILITY_DATE,
} from "./harness.ts";

const DEADLINE_MS = 120_000;
const TOKEN = "worker-caller-token";

/** A Worker of server.ts with the Durable Object bound, on `upstream`, keeping its storage in `persist`. */
function worker(
  contents: string,
  dir: string,
  persist: string,
  upstream: string,
  sandbox: WhiteBitSandbox,
  more: Record<string, string> = {},
) {
  const Miniflare = loadMiniflare();
  return new Miniflare({
    modules: [{ type: "ESModule", path: `${dir}/worker.js`, contents }],
    modulesRoot: dir,
    compatibilityDate: WORKERD_COMPATIBILITY_DATE,
    cf: false,
    bindings: {
      WHITEBIT_API_KEY: sandbox.credentials.apiKey,
      WHITEBIT_API_SECRET: sandbox.credentials.apiSecret,
      WHITEBIT_BASE_URL: upstream,
      LENDING_API_TOKENS: TOKEN,
      ...more,
    },
    durableObjects: {
      LENDING_IDEMPOTENCY: { className: "IdempotencyDurableObject", useSQLite: true },
    },
    durableObjectsPersist: persist,
  });
}

/**
 * A bundle, a sandbox (its clock `aheadMs` ahead of the host's) behind a
 * holding proxy, a persistence folder, and a deadline.
 */
async function setup(aheadMs = 0) {
  const dir = await Deno.makeTempDir({ prefix: "whitebit-do-" });
  const deadline = AbortSignal.timeout(DEADLINE_MS);
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...SERVER_ACCOUNT, balances: { USDT: "1000000" } }],
    now: () => Date.now() + aheadMs,
  });
  const proxy = hangingSandbox(sandbox);
  const contents = await bundleWorker(dir, deadline);
  const start = async (more: Record<string, string> = {}) => {
    const mf = worker(contents, dir, `${dir}/persist`, proxy.url, sandbox, more);
    await beforeDeadline(mf.ready, deadline);
    return mf;
  };
  const invest = async (mf: Miniflare, key: string, amount = "100") => {
    const response = await beforeDeadline(
      mf.dispatchFetch("http://worker/v1/investments", {
        method: "POST",
        headers: {
          authorization: `Bearer ${TOKEN}`,
          "content-type": "application/json",
          "idempotency-key": key,
        },
        body: JSON.stringify({ planId: sandbox.plans[0].id, amount }),
      }),
      deadline,
    );
    return { response, text: await response.text() };
  };
  const stop = (mf: Miniflare) => beforeDeadline(mf.dispose(), AbortSignal.timeout(10_000));
  return {
    dir,
    deadline,
    sandbox,
    proxy,
    start,
    invest,
    stop,
    async [Symbol.asyncDispose]() {
      await proxy[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("Workers + Durable Object: 200 concurrent requests with one Idempotency-Key through the Worker: 1 upstream invest, 199 × 409", async () => {
  await using s = await setup();
  const mf = await s.start();
  try {
    const carriedOut = s.proxy.hang(PATHS.invest); // the first invest's answer waits for the rest
    let answered = 0;
    const requests = Array.from({ length: 200 }, () =>
      s.invest(mf, "order-200").then((result) => {
        if (++answered === 199) s.proxy.release();
        return result;
      }));
    const results = await Promise.all(requests);
    await beforeDeadline(carriedOut, s.deadline);
    const statuses = results.map(({ response }) => response.status).sort();
    deepStrictEqual(statuses, [201, ...Array(199).fill(409)]);
    for (const { response, text } of results.filter(({ response }) => response.status === 409)) {
      strictEqual(JSON.parse(text).outcome, "unknown");
      strictEqual(response.headers.get("retry-after"), "1");
    }
    await s.sandbox.settled();
    strictEqual(s.sandbox.requests.filter((r) => r.path === PATHS.invest).length, 1);
    strictEqual(s.sandbox.investments.length, 1);
    const { id } = JSON.parse(results.find(({ response }) => response.status === 201)!.text);
    strictEqual(s.sandbox.investments[0].id, id);
    console.log(`  ${statuses.filter((status) => status === 409).length} × 409, 1 × 201`);
  } finally {
    await s.stop(mf);
  }
});

Deno.test("Workers + Durable Object: WhiteBIT's clock 30 s ahead: a keyed invest refused for its nonce has its lease renewed in the Durable Object on the corrected clock and is sent again: 201, once", async () => {
  await using s = await setup(30_000);
  const mf = await s.start();
  try {
    const first = await s.invest(mf, "order-clock");
    strictEqual(first.response.status, 201, first.text);
    await s.sandbox.settled();
    const sent = (path: string) => s.sandbox.requests.filter((r) => r.path === path).length;
    strictEqual(sent(PATHS.invest), 2, "refused for its nonce, then sent again");
    strictEqual(sent(PATHS.time), 1);
    strictEqual(s.sandbox.investments.length, 1);
    const replay = await s.invest(mf, "order-clock");
    strictEqual(replay.response.headers.get("idempotent-replayed"), "true");
    strictEqual(replay.text, first.text);
  } finally {
    await s.stop(mf);
  }
});

Deno.test("Workers + Durable Object: a record survives a restart of workerd with its storage persisted", async () => {
  await using s = await setup();
  let mf = await s.start();
  let first;
  try {
    first = await s.invest(mf, "order-restart", "250");
    strictEqual(first.response.status, 201, first.text);
  } finally {
    await s.stop(mf);
  }
  mf = await s.start(); // a new workerd on the same folder: every isolate's memory is gone
  try {
    const replay = await s.invest(mf, "order-restart", "250");
    strictEqual(replay.response.status, 201);
    strictEqual(replay.response.headers.get("idempotent-replayed"), "true");
    strictEqual(replay.text, first.text);
    const other = await s.invest(mf, "order-restart", "251");
    strictEqual(other.response.status, 422, "the same key with another body");
    strictEqual(s.sandbox.investments.length, 1);
  } finally {
    await s.stop(mf);
  }
});

/** The records a Durable Object's persisted SQLite files hold, summed over every object. */
async function storedRecords(persist: string): Promise<number> {
  let count = 0;
  for await (const file of walkFiles(persist)) {
    if (!file.endsWith(".sqlite")) continue;
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const table = db.prepare("SELECT name FROM sqlite_master WHERE name = 'records'").all();
      if (table.length) count += db.prepare("SELECT COUNT(*) AS n FROM records").get()!.n as number;
    } finally {
      db.close();
    }
  }
  return count;
}

async function* walkFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walkFiles(path);
    else yield path;
  }
}

Deno.test("Workers + Durable Object: an expired record is removed from storage by its alarm, with no request", async () => {
  await using s = await setup();
  const mf = await s.start();
  try {
    const namespace = await beforeDeadline(
      mf.getDurableObjectNamespace("LENDING_IDEMPOTENCY"),
      s.deadline,
    );
    const ask = async (key: string, ttlMs: number) => {
      const stub = namespace.get(namespace.idFromName(key));
      const response = await stub.fetch("http://do/", {
        method: "POST",
        body: JSON.stringify({ op: "claim", key, fingerprint: "f", ttlMs }),
      });
      return (await response.json()).result;
    };
    strictEqual(await ask("short", 1_500), null, "claimed");
    strictEqual(await ask("long", 3_600_000), null, "claimed");
    strictEqual((await ask("short", 1_500)).state, "in_flight");
    const persist = `${s.dir}/persist`;
    strictEqual(await storedRecords(persist), 2);
    // Nothing touches the objects now: only the alarm can remove the expired record.
    const since = Date.now();
    while ((await storedRecords(persist)) !== 1) {
      ok(!s.deadline.aborted, "the alarm never removed the record");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(`  removed ${Date.now() - since} ms after it was claimed for 1500 ms`);
    strictEqual(await ask("short", 1_500), null, "the key is free again");
    strictEqual((await ask("long", 3_600_000)).state, "in_flight", "the other is untouched");
  } finally {
    await s.stop(mf);
  }
});

Deno.test("Workers + Durable Object: WHITEBIT_NONCE_LANE=auto/4 leases a free lane from the Durable Object and signs only in it", async () => {
  await using s = await setup();
  const mf = await s.start({ WHITEBIT_NONCE_LANE: "auto/4" });
  try {
    // Two other instances hold lanes 0 and 1 of this key.
    const scope = await accountDigest([s.proxy.url, s.sandbox.credentials.apiKey]);
    const namespace = await beforeDeadline(
      mf.getDurableObjectNamespace("LENDING_IDEMPOTENCY"),
      s.deadline,
    );
    const lanes = namespace.get(namespace.idFromName(`nonce lanes ${scope}`));
    for (const holder of ["other-a", "other-b"]) {
      const response = await lanes.fetch("http://do/", {
        method: "POST",
        body: JSON.stringify({
          op: "acquireLane",
          request: { scope, holder, count: 4, leaseMs: 3_600_000 },
        }),
      });
      await response.body?.cancel();
    }
    for (const amount of ["10", "11", "12", "13", "14"]) {
      const { response, text } = await s.invest(mf, `lane-${amount}`, amount);
      strictEqual(response.status, 201, text);
    }
    await s.sandbox.settled();
    const nonces = s.sandbox.requests.filter((r) => r.path === PATHS.invest).map((r) => r.nonce!);
    deepStrictEqual(nonces.map((nonce) => nonce % 4), [2, 2, 2, 2, 2], "lane 2: the first free");
  } finally {
    await s.stop(mf);
  }
});
