// Fault injection: the queue of injected faults, how a fault meets the
// request (before or after it is carried out), and where it stands among
// the sandbox's steps (after a latency, behind the rate limit, on private
// paths only).

import { deepStrictEqual, rejects, strictEqual } from "node:assert/strict";
import { DROP, FaultQueue, underFault } from "../../sandbox/_faults.ts";
import { INVEST, investBody, KEY, post, sandboxAt, send, signed, T } from "./_fixtures.ts";

Deno.test("sandbox: a fault aimed at a nonce hits that request only, whatever the order", async () => {
  const sandbox = sandboxAt(T);
  sandbox.injectFault({ kind: "respond", status: 503, body: "{}" }, { nonce: T + 1 });
  const results = await Promise.all([
    send(sandbox, investBody(T + 2)),
    send(sandbox, investBody(T + 1)),
  ]);
  deepStrictEqual(results.map((r) => r.status), [201, 503]);
  strictEqual((await send(sandbox, investBody(T + 3))).status, 201, "the fault was used up");
  deepStrictEqual(sandbox.investments.map((i) => i.nonce), [T + 2, T + 3]);
});

Deno.test("faults: the first injected fault that matches is used, `times` counts down, and others wait for their request", () => {
  const faults = new FaultQueue();
  const slow = { kind: "latency", ms: 1 } as const;
  const down = { kind: "respond", status: 503 } as const;
  const gone = { kind: "drop" } as const;
  faults.add(slow, { path: "/a", times: 2 });
  faults.add(down, { nonce: 5 });
  faults.add(gone);
  strictEqual(faults.take("/b", 5), down, "a nonce fault before the catch-all");
  strictEqual(faults.take("/b", 5), gone);
  strictEqual(faults.take("/b", 5), undefined);
  strictEqual(faults.take("/a", undefined), slow);
  strictEqual(faults.take("/a", 9), slow);
  strictEqual(faults.take("/a", 9), undefined, "used up");
  faults.add(down, { times: 0 });
  strictEqual(faults.take("/a", 1), down, "times below 1 still applies once");
  strictEqual(faults.take("/a", 1), undefined);
});

Deno.test("faults: respond and drop answer instead of the request, before carrying it out or after", async () => {
  let carried = 0;
  const carryOut = () => {
    carried++;
    return Promise.resolve(Response.json({ id: "x" }, { status: 201 }));
  };
  const cases = [
    [{ kind: "respond", status: 502 }, 0, 502, "", "text/plain"],
    [
      {
        kind: "respond",
        status: 200,
        body: "<html/>",
        contentType: "text/html",
        afterProcessing: true,
      },
      1,
      200,
      "<html/>",
      "text/html",
    ],
    [{ kind: "drop" }, 0],
    [{ kind: "drop", afterProcessing: true }, 1],
    [{ kind: "latency", ms: 1 }, 1, 201, '{"id":"x"}', "application/json"],
    [undefined, 1, 201, '{"id":"x"}', "application/json"],
  ] as const;
  for (const [fault, times, status, body, type] of cases) {
    carried = 0;
    const answer = await underFault(fault, carryOut);
    strictEqual(carried, times, JSON.stringify(fault));
    if (status === undefined) {
      strictEqual(answer, DROP);
    } else {
      strictEqual(answer !== DROP && answer.status, status);
      strictEqual(answer !== DROP && answer.headers.get("content-type"), type);
      strictEqual(answer !== DROP && await answer.text(), body);
    }
  }
});

Deno.test("faults: over the rate limit the gateway's 429 answers first, and the fault is used up all the same", async () => {
  let now = T;
  const sandbox = sandboxAt(T, { now: () => now, rateLimit: 1 });
  strictEqual((await send(sandbox, investBody(now))).status, 201);
  sandbox.injectFault({ kind: "respond", status: 503 });
  const response = await sandbox.fetch(`https://whitebit.com${INVEST}`, {
    method: "POST",
    headers: { "x-txc-apikey": KEY },
    body: investBody(now + 1),
  });
  strictEqual(response.status, 429);
  strictEqual(response.headers.get("content-type"), "text/html");
  strictEqual((await response.text()).includes("429 Too Many Requests"), true);
  now += 10_000;
  strictEqual((await send(sandbox, investBody(now))).status, 201, "no 503 left");
  deepStrictEqual(sandbox.requests.map((r) => r.status), [201, 429, 201]);
});

Deno.test("faults: the public time passes a fault by; private requests meet it, recorded as dropped", async () => {
  const sandbox = sandboxAt(T);
  sandbox.injectFault({ kind: "drop" });
  strictEqual((await sandbox.fetch("https://whitebit.com/api/v4/public/time")).status, 200);
  await rejects(send(sandbox, investBody(T)), TypeError);
  deepStrictEqual(sandbox.requests, [
    { method: "GET", path: "/api/v4/public/time", nonce: undefined, status: 200 },
    { method: "POST", path: INVEST, nonce: T, status: "dropped" },
  ]);
  strictEqual(sandbox.investments.length, 0);
});

Deno.test("faults: a caller that gives up once its request is in the sandbox leaves the sandbox to finish, and settled() waits for it", async () => {
  const sandbox = sandboxAt(T);
  sandbox.injectFault({ kind: "latency", ms: 20 });
  const controller = new AbortController();
  const sent = post(sandbox, await signed(investBody(T)), { signal: controller.signal });
  strictEqual(sandbox.requests.length, 1, "it reached the sandbox");
  controller.abort(new Error("gave up"));
  await rejects(sent, { message: "gave up" });
  await sandbox.settled();
  strictEqual(sandbox.investments.length, 1);
  deepStrictEqual(sandbox.requests.map((r) => r.status), [201]);
});
