import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { RateLimiter } from "../../mod.ts";

Deno.test("RateLimiter lets `limit` through, then waits a window after the first release", async () => {
  const limiter = new RateLimiter({ limit: 3, windowMs: 80 });
  const releases = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
  let fourth = false;
  const waiting = limiter.acquire().then((release) => {
    fourth = true;
    return release;
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  strictEqual(fourth, false, "all slots are taken");
  const released = performance.now();
  releases[0]();
  await new Promise((resolve) => setTimeout(resolve, 20));
  strictEqual(fourth, false, "a released slot counts for windowMs after its answer");
  const release = await waiting;
  ok(performance.now() - released >= 79);
  release();
  releases[1]();
  releases[2]();
});

Deno.test("RateLimiter serves waiters in order", async () => {
  const limiter = new RateLimiter({ limit: 1, windowMs: 5 });
  const order: number[] = [];
  await Promise.all([0, 1, 2, 3].map(async (i) => {
    const release = await limiter.acquire();
    order.push(i);
    release();
  }));
  deepStrictEqual(order, [0, 1, 2, 3]);
});

Deno.test("RateLimiter: an aborted wait rejects with the reason and frees its place", async () => {
  const limiter = new RateLimiter({ limit: 1, windowMs: 30 });
  const held = await limiter.acquire();
  const controller = new AbortController();
  const aborted = limiter.acquire(controller.signal);
  const next = limiter.acquire();
  controller.abort("cancelled");
  await rejects(aborted, (reason) => reason === "cancelled");
  held();
  (await next)();
  await rejects(limiter.acquire(AbortSignal.abort("early")), (reason) => reason === "early");
});

Deno.test("RateLimiter: a release twice frees one slot", async () => {
  const limiter = new RateLimiter({ limit: 1, windowMs: 0 });
  const release = await limiter.acquire();
  release();
  release();
  const again = await limiter.acquire();
  let third = false;
  const pending = limiter.acquire().then((r) => {
    third = true;
    return r;
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  strictEqual(third, false);
  again();
  (await pending)();
});

Deno.test("RateLimiter refuses a limit below 1 or a negative window", () => {
  throws(() => new RateLimiter({ limit: 0 }), RangeError);
  throws(() => new RateLimiter({ windowMs: -1 }), RangeError);
  throws(() => new RateLimiter({ windowMs: Infinity }), RangeError);
});
