/**
 * Idempotency-Key under attack: a store at capacity, a store that fails or
 * refuses a large record, Deno KV's 64 KiB limit, rotated tokens, quoted
 * keys, many callers on one key, a holder that never answers, and two
 * accounts on one store. Whatever happens, a key invests at most once, and
 * the caller still gets the real answer.
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import {
  createApp,
  DenoKvIdempotencyStore,
  DenoKvNonceLaneStore,
  type IdempotencyStore,
  MemoryIdempotencyStore,
  type StoredResponse,
} from "../../server.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import { ATTRIBUTION_TTL_MS } from "../../server/_held_key.ts";
import type { FetchLike } from "../../client/options.ts";
import {
  holding,
  PLAN,
  problemOf,
  SERVER_ACCOUNT,
  setupServer,
  STORES,
  TOKENS,
  typeOf,
} from "../_fixtures.ts";

const BODY = { planId: PLAN.id, amount: "10" };
const key = (value: string) => ({ "idempotency-key": value });

Deno.test("a full memory store refuses a new key (503, not_executed, Retry-After) and never forgets a key in flight", async () => {
  const store = new MemoryIdempotencyStore({ maxRecords: 2 });
  const held = holding(1);
  const { sandbox, invest } = setupServer({
    app: { idempotencyStore: store },
    wrapFetch: held.wrap,
  });
  const first = invest(BODY, key("held")); // in flight until opened
  await held.held;
  strictEqual((await invest(BODY, key("done"))).status, 201); // the store is now full
  const refused = await invest(BODY, key("new"));
  const duplicate = await invest(BODY, key("held"));
  held.open();
  const created = await first;
  strictEqual(sandbox.investments.length, 2, "one per key: held and done, none for new");
  strictEqual(refused.status, 503);
  const p = await problemOf(refused);
  strictEqual(p.type, typeOf("idempotency-store-full"));
  strictEqual(p.outcome, "not_executed");
  ok(Number(refused.headers.get("retry-after")) >= 1, "Retry-After");
  strictEqual(duplicate.status, 409, "the key in flight is still known");
  await duplicate.body?.cancel();
  strictEqual(created.status, 201);
  const { id } = await created.json();
  const replay = await invest(BODY, key("held"));
  strictEqual(replay.headers.get("idempotent-replayed"), "true");
  deepStrictEqual(await replay.json(), { id });
  strictEqual(sandbox.investments.length, 2);
});

Deno.test("a full memory store keeps unexpired answers: a replay after the store filled does not invest again", async () => {
  let now = 1_800_000_000_000;
  // Two keys, each with its investment's attribution.
  const store = new MemoryIdempotencyStore({ maxRecords: 4, now: () => now });
  const { sandbox, invest } = setupServer({ app: { idempotencyStore: store } });
  const first = await invest(BODY, key("a"));
  const { id } = await first.json();
  await (await invest(BODY, key("b"))).body?.cancel();
  const refused = await invest(BODY, key("c"));
  strictEqual(refused.status, 503);
  await refused.body?.cancel();
  const replay = await invest(BODY, key("a"));
  strictEqual(replay.status, 201);
  strictEqual(replay.headers.get("idempotent-replayed"), "true");
  deepStrictEqual(await replay.json(), { id });
  strictEqual(sandbox.investments.length, 2);
  now += ATTRIBUTION_TTL_MS + 1; // the records and attributions expire: room again
  strictEqual((await invest(BODY, key("c"))).status, 201);
  strictEqual(sandbox.investments.length, 3);
});

/** A store whose `complete`, `release` or `claim` throws, as a failing database would. */
function failing(inner: IdempotencyStore, fail: "claim" | "complete" | "release") {
  const calls: StoredResponse[] = [];
  const store: IdempotencyStore = {
    claim: (k, f, ttl) =>
      fail === "claim" ? Promise.reject(new Error("database down")) : inner.claim(k, f, ttl),
    complete: (k, f, response, ttl) => {
      calls.push(response);
      return fail === "complete"
        ? Promise.reject(new Error("database down"))
        : inner.complete(k, f, response, ttl);
    },
    release: (k) =>
      fail === "release" ? Promise.reject(new Error("database down")) : inner.release(k),
  };
  return { store, calls };
}

Deno.test("complete() throws after the investment: the caller gets 201 with the id, the key stays in flight saying unknown, a retry never invests", async () => {
  const { store, calls } = failing(new MemoryIdempotencyStore(), "complete");
  const { sandbox, invest, logs } = setupServer({ app: { idempotencyStore: store } });
  const created = await invest(BODY, key("k"));
  strictEqual(created.status, 201);
  deepStrictEqual(await created.json(), { id: sandbox.investments[0].id });
  ok(calls.length >= 1, "it tried to keep the answer");
  ok(logs.at(-1)?.warning, "the operator is told");
  for (let retry = 0; retry < 3; retry++) {
    const again = await invest(BODY, key("k"));
    strictEqual(again.status, 409);
    strictEqual(again.headers.get("retry-after"), "1");
    strictEqual((await problemOf(again)).outcome, "unknown", "never not_executed");
  }
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("release() throws after a refusal: the caller still gets WhiteBIT's refusal with its outcome", async () => {
  const { store } = failing(new MemoryIdempotencyStore(), "release");
  const { sandbox, invest } = setupServer({
    app: { idempotencyStore: store },
    account: { balances: { USDT: "1" } },
  });
  const refused = await invest(BODY, key("k"));
  strictEqual(refused.status, 422);
  const p = await problemOf(refused);
  strictEqual(p.type, typeOf("investment-rejected"));
  strictEqual(p.reason, "insufficient_balance");
  strictEqual(p.outcome, "not_executed");
  strictEqual(sandbox.investments.length, 0);
});

Deno.test("claim() throws: 503 idempotency-store-unavailable, not_executed, nothing sent", async () => {
  const { store } = failing(new MemoryIdempotencyStore(), "claim");
  const { sandbox, invest } = setupServer({ app: { idempotencyStore: store } });
  const response = await invest(BODY, key("k"));
  strictEqual(response.status, 503);
  const p = await problemOf(response);
  strictEqual(p.type, typeOf("idempotency-store-unavailable"));
  strictEqual(p.outcome, "not_executed");
  ok(response.headers.get("retry-after"));
  strictEqual(sandbox.requests.length, 0);
});

Deno.test("Deno KV: an answer whose record would pass 64 KiB still reaches the caller; the record is cut under 16 KiB; a retry does not invest", async () => {
  await using kv = await Deno.openKv(":memory:");
  const { sandbox, invest } = setupServer({
    app: { idempotencyStore: new DenoKvIdempotencyStore(kv) },
  });
  const hugeId = "9".repeat(70_000);
  sandbox.injectFault({
    kind: "respond",
    status: 201,
    body: JSON.stringify({ id: hugeId }),
    contentType: "application/json",
    afterProcessing: true,
  });
  const created = await invest(BODY, key("big"));
  strictEqual(created.status, 201);
  deepStrictEqual(await created.json(), { id: hugeId });
  let records = 0;
  for await (const entry of kv.list({ prefix: [] })) {
    records++;
    ok(JSON.stringify(entry.value).length < 16 * 1024 + 1024, "the record is cut");
  }
  strictEqual(records, 1);
  const retry = await invest(BODY, key("big"));
  strictEqual(retry.headers.get("idempotent-replayed"), "true");
  strictEqual((await problemOf(retry)).outcome, "unknown", "reconcile, never a second investment");
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("a store that refuses records over 1.5 KB: the answer is kept smaller, with its outcome and what reconciling needs", async () => {
  const inner = new MemoryIdempotencyStore();
  const sizes: number[] = [];
  const store: IdempotencyStore = {
    claim: (k, f, ttl) => inner.claim(k, f, ttl),
    complete: (k, f, response, ttl) => {
      sizes.push(response.body.length);
      return response.body.length > 1500
        ? Promise.reject(new RangeError("record too large"))
        : inner.complete(k, f, response, ttl);
    },
    release: (k) => inner.release(k),
  };
  const { sandbox, invest } = setupServer({ app: { idempotencyStore: store } });
  sandbox.injectFault({
    kind: "respond",
    status: 500,
    body: JSON.stringify({ message: "m".repeat(1900) }),
    contentType: "application/json",
    afterProcessing: true,
  });
  const first = await invest(BODY, key("k"));
  strictEqual(first.status, 502);
  const real = await problemOf(first);
  ok(real.detail.length > 1500, "the caller got the whole (capped) detail");
  const retry = await invest(BODY, key("k"));
  strictEqual(retry.headers.get("idempotent-replayed"), "true");
  const kept = await problemOf(retry);
  deepStrictEqual(
    [kept.type, kept.outcome, kept.requestPath, kept.params, kept.attemptedAt],
    [real.type, "unknown", real.requestPath, BODY, real.attemptedAt],
  );
  ok(sizes.length === 2 && sizes[1] <= 1024, `tried ${sizes.join(" then ")} bytes`);
  strictEqual(sandbox.investments.length, 1);
});

for (const [name, open] of STORES) {
  Deno.test(`${name}: a key survives token rotation (same body replays, another body 422)`, async () => {
    await using stores = await open();
    const sandbox = new WhiteBitSandbox({ accounts: [{ ...SERVER_ACCOUNT }], plans: [PLAN] });
    const app = (token: string) =>
      createApp({
        client: { ...sandbox.credentials, fetch: sandbox.fetch },
        tokens: [token],
        idempotencyStore: stores.store,
        log: false,
      });
    const before = app("token-before-rotation");
    const after = app("token-after-rotation");
    const post = (target: typeof before, token: string, json: unknown) =>
      target.fetch(
        new Request("http://localhost/v1/investments", {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            "idempotency-key": "order-1",
          },
          body: JSON.stringify(json),
        }),
      );
    const first = await post(before, "token-before-rotation", BODY);
    const { id } = await first.json();
    const retried = await post(after, "token-after-rotation", BODY);
    strictEqual(retried.status, 201);
    strictEqual(retried.headers.get("idempotent-replayed"), "true");
    deepStrictEqual(await retried.json(), { id });
    const other = await post(after, "token-after-rotation", { ...BODY, amount: "11" });
    strictEqual(other.status, 422);
    strictEqual((await problemOf(other)).type, typeOf("idempotency-key-reused"));
    strictEqual(sandbox.investments.length, 1);
  });

  Deno.test(`${name}: a quoted key is the same key ("abc" is abc)`, async () => {
    await using stores = await open();
    const { sandbox, invest } = setupServer({ app: { idempotencyStore: stores.store } });
    for (const [bare, quoted] of [["abc", '"abc"'], ['a"b\\c', '"a\\"b\\\\c"']]) {
      const first = await invest(BODY, key(quoted));
      strictEqual(first.status, 201, quoted);
      const { id } = await first.json();
      const again = await invest(BODY, key(bare));
      strictEqual(again.headers.get("idempotent-replayed"), "true", bare);
      deepStrictEqual(await again.json(), { id });
    }
    strictEqual(sandbox.investments.length, 2);
  });

  Deno.test(`${name}: 25 concurrent callers with both tokens on one key invest once, then all replay it`, async () => {
    await using stores = await open();
    const held = holding(1);
    const { sandbox, call } = setupServer({
      app: { idempotencyStore: stores.store },
      wrapFetch: held.wrap,
    });
    const post = (i: number) =>
      call("/v1/investments", {
        method: "POST",
        token: TOKENS[i % 2],
        json: BODY,
        headers: key("burst"),
      });
    const first = post(0);
    await held.held; // the first is on its way to WhiteBIT
    const others = await Promise.all(Array.from({ length: 24 }, (_, i) => post(i + 1)));
    for (const response of others) {
      strictEqual(response.status, 409);
      strictEqual((await problemOf(response)).outcome, "unknown");
    }
    held.open();
    const { id } = await (await first).json();
    const replays = await Promise.all(Array.from({ length: 25 }, (_, i) => post(i)));
    for (const response of replays) {
      strictEqual(response.headers.get("idempotent-replayed"), "true");
      deepStrictEqual(await response.json(), { id });
    }
    strictEqual(sandbox.investments.length, 1);
  });
}

Deno.test("a key whose holder never answers (its server died mid-call): another instance says 409 unknown, not not_executed, and never invests", async () => {
  await using kv = await Deno.openKv(":memory:");
  const sandbox = new WhiteBitSandbox({ accounts: [{ ...SERVER_ACCOUNT }], plans: [PLAN] });
  const held = holding(1);
  const instance = (fetch: FetchLike = sandbox.fetch) =>
    createApp({
      client: { ...sandbox.credentials, fetch },
      tokens: TOKENS,
      idempotencyStore: new DenoKvIdempotencyStore(kv),
      log: false,
    });
  const request = () =>
    new Request("http://localhost/v1/investments", {
      method: "POST",
      headers: {
        authorization: `Bearer ${TOKENS[0]}`,
        "content-type": "application/json",
        "idempotency-key": "order-9",
      },
      body: JSON.stringify(BODY),
    });
  const dying = instance(held.wrap(sandbox.fetch)).fetch(request());
  await held.held; // the holder claimed the key and sent: it never comes back
  const survivor = instance();
  for (let retry = 0; retry < 3; retry++) {
    const response = await survivor.fetch(request());
    strictEqual(response.status, 409);
    ok(response.headers.get("retry-after"));
    strictEqual((await problemOf(response)).outcome, "unknown");
  }
  strictEqual(sandbox.requests.length, 0);
  held.open(); // let the test end cleanly
  await (await dying).body?.cancel();
});

Deno.test("two WhiteBIT accounts on one store do not share keys: each invests once", async () => {
  const store = new MemoryIdempotencyStore();
  const sandbox = new WhiteBitSandbox({
    accounts: [
      { ...SERVER_ACCOUNT },
      { ...SERVER_ACCOUNT, apiKey: "other-account-key", apiSecret: "other-secret" },
    ],
    plans: [PLAN],
  });
  const responses: Response[] = [];
  for (
    const credentials of [SERVER_ACCOUNT, {
      apiKey: "other-account-key",
      apiSecret: "other-secret",
    }]
  ) {
    const app = createApp({
      client: {
        apiKey: credentials.apiKey,
        apiSecret: credentials.apiSecret,
        fetch: sandbox.fetch,
      },
      tokens: TOKENS,
      idempotencyStore: store,
      log: false,
    });
    responses.push(
      await app.fetch(
        new Request("http://localhost/v1/investments", {
          method: "POST",
          headers: {
            authorization: `Bearer ${TOKENS[0]}`,
            "content-type": "application/json",
            "idempotency-key": "same-name",
          },
          body: JSON.stringify(BODY),
        }),
      ),
    );
  }
  for (const response of responses) {
    strictEqual(response.status, 201);
    strictEqual(response.headers.get("idempotent-replayed"), null);
    await response.body?.cancel();
  }
  strictEqual(sandbox.balance(SERVER_ACCOUNT.apiKey, "USDT"), "990");
  strictEqual(sandbox.balance("other-account-key", "USDT"), "990");
});

/** A Deno KV whose reads and commits answer "database is locked" (another process writing) `times` times in all. */
function lockedKv(kv: Deno.Kv, times: number, message = "database is locked") {
  let left = times;
  const refuse = () => {
    if (left-- > 0) throw new TypeError(message);
  };
  return new Proxy(kv, {
    get(target, name) {
      if (name === "get") {
        return (...args: Parameters<Deno.Kv["get"]>) => (refuse(), target.get(...args));
      }
      if (name === "atomic") {
        return () => {
          const atomic = target.atomic();
          const commit = atomic.commit.bind(atomic);
          atomic.commit = () => (refuse(), commit());
          return atomic;
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

Deno.test("Deno KV shared by processes: 'database is locked' (nothing written) is tried again; any other failure is not", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new DenoKvIdempotencyStore(lockedKv(kv, 6));
  strictEqual(await store.claim("k", "f", 60_000), undefined, "claimed despite 6 refusals");
  strictEqual((await store.claim("k", "f", 60_000))?.state, "in_flight");
  const lanes = new DenoKvNonceLaneStore(lockedKv(kv, 6));
  strictEqual(await lanes.acquire({ scope: "s", holder: "a", count: 2, leaseMs: 30_000 }), 0);
  const broken = new DenoKvIdempotencyStore(lockedKv(kv, 1, "disk I/O error"));
  await rejects(broken.claim("other", "f", 60_000), { message: "disk I/O error" });
});
