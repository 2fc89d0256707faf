/**
 * The Durable Object's own duties, in process (`fakeDurableObjects`): its
 * alarm removes a record once it expires (and the object's storage once
 * nothing is left), never before; what it cannot read is refused. Atomic
 * claims, leases and lanes are tested with the other stores (STORES); the
 * real workerd runs it in tests/runtimes/durable_object_test.ts.
 */
import { deepStrictEqual, rejects, strictEqual } from "node:assert/strict";
import { DurableObjectIdempotencyStore, DurableObjectNonceLaneStore } from "../../server.ts";
import { fakeDurableObjects } from "../_fixtures.ts";

Deno.test("Durable Object: a record lives until its alarm after it expires, then the object is empty", async () => {
  const clock = { now: 1_800_000_000_000 };
  const objects = fakeDurableObjects(() => clock.now);
  const store = new DurableObjectIdempotencyStore(objects.namespace);
  strictEqual(await store.claim("a", "f", 1_000), undefined);
  await store.complete(
    "a",
    "f",
    { status: 201, body: "{}", contentType: "application/json" },
    5_000,
  );
  strictEqual(await store.claim("b", "f", 60_000), undefined);
  clock.now += 4_999;
  await objects.alarms();
  deepStrictEqual([objects.records("a"), objects.records("b")], [1, 1], "nothing expired yet");
  strictEqual((await store.claim("a", "f", 1_000))?.state, "done");
  clock.now += 1;
  await objects.alarms();
  deepStrictEqual([objects.records("a"), objects.records("b")], [0, 1]);
  strictEqual(await store.claim("a", "f", 1_000), undefined, "the key is free again");
});

Deno.test("Durable Object: an operation it cannot read is refused; a lane split another way is a RangeError", async () => {
  const objects = fakeDurableObjects();
  const response = await objects.namespace.get("x").fetch("https://do/", {
    method: "POST",
    body: "not json",
  });
  strictEqual(response.status, 400);
  await response.body?.cancel();
  const lanes = new DurableObjectNonceLaneStore(objects.namespace);
  strictEqual(await lanes.acquire({ scope: "k", holder: "a", count: 2, leaseMs: 1000 }), 0);
  await rejects(
    lanes.acquire({ scope: "k", holder: "b", count: 3, leaseMs: 1000 }),
    RangeError,
  );
});
