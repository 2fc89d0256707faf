import { ok, strictEqual } from "node:assert/strict";
import { createApp } from "../../server.ts";
import { WhiteBitSandbox } from "../../testing.ts";

// 10,000 generated bad requests, from a seeded generator so a failure can be
// replayed: every answer must be a 4xx problem document, and none may reach
// WhiteBIT (the sandbox must see nothing). Fixed and flex routes alike.

const COUNT = 10_000;
const SEED = 0x5eed_2026;
const TOKEN = "fuzz-token-7d2c";

function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}

const BAD_AMOUNTS: unknown[] = [
  100,
  0.1,
  -1,
  1e21,
  "0",
  "-1",
  "+1",
  "1e3",
  "1E-7",
  " 1",
  "1 ",
  "1,5",
  "1.",
  ".5",
  "00.1",
  "NaN",
  "Infinity",
  "",
  "١٢",
  "１",
  "0x10",
  "9".repeat(21),
  "1." + "1".repeat(19),
  null,
  true,
  [],
  {},
  ["1"],
  "1\u0000",
  "𝟙",
];
const BAD_IDS: unknown[] = [
  "",
  " ",
  "a b",
  "план",
  "../etc",
  "a".repeat(65),
  "id\n",
  "😀",
  1,
  null,
  false,
  [],
  { id: "x" },
  "x".repeat(3000),
];

/** A bad body for a state-changing flex route (WhiteBIT's CLI's names among them). */
function badFlexBody(random: ReturnType<typeof generator>, plan: string): [string, unknown] {
  const { pick } = random;
  return pick<[string, unknown]>([
    ["/v1/flex/invest", { planId: plan, amount: "100" }],
    ["/v1/flex/invest", { plan, amount: pick(BAD_AMOUNTS) }],
    ["/v1/flex/invest", { plan: pick(BAD_IDS), amount: "100" }],
    ["/v1/flex/invest", { plan, amount: "100", withReinvest: pick(["true", 1, null, "yes"]) }],
    ["/v1/flex/invest", { plan, amount: "100", id: 12 }],
    ["/v1/flex/withdraw", { plan, amount: pick(BAD_AMOUNTS) }],
    ["/v1/flex/withdraw", { plan }],
    ["/v1/flex/withdraw", { planId: plan, amount: "1" }],
    ["/v1/flex/close", { id: pick([12, plan]) }],
    ["/v1/flex/close", { plan: pick(BAD_IDS) }],
    ["/v1/flex/close", {}],
    ["/v1/flex/auto-invest", { plan }], // enabled left out: WhiteBIT would switch it off
    ["/v1/flex/auto-invest", { plan, enabled: pick(["true", 1, 0, null, "false"]) }],
    ["/v1/flex/auto-invest", { planId: plan, enabled: true }],
  ]);
}

function badRequest(random: ReturnType<typeof generator>, planId: string): Request {
  const { int, pick, next } = random;
  const validBody = () => ({ planId, amount: pick(["1", "10.5", "0.000001"]) });
  let method = "POST";
  let path = "/v1/investments";
  let contentType: string | undefined = pick([
    "application/json",
    "application/json; charset=utf-8",
    "Application/JSON",
  ]);
  let auth: string | undefined = `Bearer ${TOKEN}`;
  const headers: Record<string, string> = {};
  let body: BodyInit | undefined;
  const kind = int(16);
  switch (kind) {
    case 0: { // broken JSON
      const text = JSON.stringify(validBody());
      body = int(2)
        ? text.slice(0, int(text.length - 1))
        : text.replace(pick([":", ",", '"', "}"]), pick(["", "::", "'"]));
      break;
    }
    case 1: // bad amount
      body = JSON.stringify({ planId, amount: pick(BAD_AMOUNTS) });
      break;
    case 2: // bad plan id
      body = JSON.stringify({ planId: pick(BAD_IDS), amount: "1" });
      break;
    case 3: { // missing fields, maybe extra ones
      const value: Record<string, unknown> = int(2) ? { planId } : { amount: "1" };
      if (int(2)) value[pick(["nonce", "request", "x", "__proto__", "constructor"])] = int(100);
      body = JSON.stringify(value);
      break;
    }
    case 4: // extra field on an otherwise valid body
      body = JSON.stringify({
        ...validBody(),
        [pick(["nonceWindow", "apiKey", "Amount", "planid", ""])]: "x",
      });
      break;
    case 5: // not an object
      body = JSON.stringify(pick([[], [validBody()], "str", 12, null, true, 1.5]));
      break;
    case 6: // huge
      body = JSON.stringify({ ...validBody(), pad: "x".repeat(4096 + int(20_000)) });
      break;
    case 7: // unicode and control garbage
      body = Array.from({ length: 1 + int(200) }, () => String.fromCodePoint(int(0x2ffff))).join(
        "",
      );
      break;
    case 8: { // wrong method for the route
      const [route, methods] = pick(
        [
          ["/v1/investments", ["PUT", "DELETE", "PATCH"]],
          ["/v1/plans", ["POST", "PUT", "DELETE"]],
          ["/v1/interest-payments", ["POST", "PATCH"]],
          [`/v1/investments/${planId}/close`, ["GET", "PUT", "DELETE"]],
          ["/openapi.json", ["POST", "DELETE"]],
          ["/v1/flex/plans", ["POST", "PUT"]],
          ["/v1/flex/history", ["POST", "DELETE"]],
          ["/v1/flex/invest", ["GET", "PUT"]],
          ["/v1/flex/withdraw", ["GET", "PATCH"]],
          ["/v1/flex/close", ["GET", "DELETE"]],
          ["/v1/flex/auto-invest", ["GET", "PUT"]],
        ] as const,
      );
      path = route;
      method = pick(methods);
      body = method === "GET" ? undefined : JSON.stringify(validBody());
      break;
    }
    case 9: // wrong path
      path = pick([
        "/",
        "/v1",
        "/v1/investments/",
        "/V1/investments",
        "/v1/investments/x",
        "/v2/investments",
        "/api/v4/main-account/smart/investment",
        `/${"a".repeat(int(500))}`,
      ]);
      body = JSON.stringify(validBody());
      break;
    case 10: // wrong content type
      contentType = pick([
        undefined,
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/jsonp",
      ]);
      body = JSON.stringify(validBody());
      break;
    case 12: { // a read with a bad, unknown or repeated query parameter
      method = "GET";
      body = undefined;
      path = pick(["/v1/plans", "/v1/investments", "/v1/interest-payments"]);
      const bad = pick([
        "limit=0",
        "limit=101",
        "limit=abc",
        "limit=-1",
        "limit=1.5",
        "limit=",
        "offset=10001",
        "offset=1e3",
        "status=3",
        "status=0",
        "ticker=a%20b",
        "ticker=%D0%BF",
        "ticker=",
        `ticker=${"T".repeat(65)}`,
        "id=..",
        "planId=%00",
        "nonce=1",
        "ticker=USDT&ticker=BTC",
        "unknown=1",
      ]);
      path += `?${bad}`;
      break;
    }
    case 13: { // close with a bad id or a body that is not an empty JSON object
      const badId = int(2) === 0;
      const id = badId
        ? pick(["%20", "%D0%BF%D0%BB", "a".repeat(65), "..", "a%2Fb", "%00", "x.y"])
        : planId;
      path = `/v1/investments/${id}/close`;
      body = badId ? "" : pick(['{"id":"x"}', "[]", "{", "null", '"s"', "{}{}"]);
      break;
    }
    case 14: { // a state-changing flex route with a bad body
      const [route, value] = badFlexBody(random, "8f2e9d3c-1a4b-4c2d-9e5f-6a7b8c9d0e1f");
      path = route;
      body = JSON.stringify(value);
      break;
    }
    case 15: { // a flex read with a bad, unknown or repeated query parameter
      method = "GET";
      body = undefined;
      path = pick([
        "/v1/flex/plans",
        "/v1/flex/investments",
        "/v1/flex/history",
        "/v1/flex/payments",
      ]);
      const bad = pick([
        "limit=0",
        "limit=101",
        "offset=-1",
        "ticker=a%20b",
        "plan=..",
        "planId=x",
        "id=12",
        "investmentStatus=2",
        "dateFrom=1800000000000",
        "dateFrom=-1",
        "dateTo=1.5",
        "dateTo=tomorrow",
        "actionTypes=7",
        "actionTypes=1,1",
        "actionTypes=",
        "actionTypes=a",
        "actionTypes=1&actionTypes=2",
        "transaction=%00",
      ]);
      path += `?${bad}`;
      break;
    }
    case 11: // wrong or missing credentials, or a bad idempotency key
      body = JSON.stringify(validBody());
      if (next() < 0.5) {
        auth = pick([
          undefined,
          "Bearer",
          `Bearer ${TOKEN}x`,
          `bearer  ${TOKEN}`,
          `Basic ${TOKEN}`,
          TOKEN,
        ]);
      } else {
        headers["idempotency-key"] = pick(["", "a b", "x".repeat(256 + int(100))]);
      }
      break;
  }
  if (contentType) headers["content-type"] = contentType;
  if (auth !== undefined) headers.authorization = auth;
  return new Request(`http://localhost${path}`, { method, headers, body });
}

Deno.test(`server fuzz: ${COUNT} bad requests → only 4xx problem documents, nothing reaches WhiteBIT`, async () => {
  const sandbox = new WhiteBitSandbox();
  const app = createApp({
    client: { ...sandbox.credentials, fetch: sandbox.fetch },
    tokens: [TOKEN],
    log: false,
  });
  const random = generator(SEED);
  const statuses = new Map<number, number>();
  for (let i = 0; i < COUNT; i++) {
    const request = badRequest(random, sandbox.plans[0].id);
    const description = `#${i} ${request.method} ${new URL(request.url).pathname}`;
    const response = await app.fetch(request);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    ok(response.status >= 400 && response.status < 500, `${description} → ${response.status}`);
    strictEqual(response.headers.get("content-type"), "application/problem+json", description);
    const problem = await response.json();
    strictEqual(problem.status, response.status, description);
  }
  strictEqual(sandbox.requests.length, 0, "no request reached the sandbox");
  console.log("statuses:", Object.fromEntries([...statuses].sort()));
  ok(statuses.size >= 6, "the generator covers many kinds of bad request");
});
