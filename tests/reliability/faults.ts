// Reliability: faults at scale. 400 invests, 32 in flight through one
// client, against the sandbox over HTTP on 127.0.0.1; each invest draws a
// fault from a seeded generator, and the sandbox aims it at that invest's
// nonce. Checked: every failure has the right class and `outcome`; no
// ambiguous invest is retried; every request reached the sandbox once; the
// ledger holds exactly the successes plus the ambiguous invests that were in
// fact carried out; the balance moved by exactly their sum.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  InvestmentRejectedError,
  NetworkError,
  type Outcome,
  ServerError,
  TimeoutError,
  WhiteBitClient,
  WhiteBitError,
} from "../../mod.ts";
import type { FetchLike } from "../../client/options.ts";
import { addDecimal, subtractDecimal } from "../../client/_decimal.ts";
import { type SandboxFault, WhiteBitSandbox } from "../../testing.ts";
import { assertNoSecrets, views } from "../_leak_scan.ts";
import { seededRandom } from "../_prng.ts";

const SEED = 20_240_611;
const INVESTS = 400;
const IN_FLIGHT = 32;
const TIMEOUT_MS = 1000;
const INVEST = "/api/v4/main-account/smart/investment";
const ACCOUNT = {
  apiKey: "reliability-faults-key-c39a71",
  apiSecret: "reliability-faults-secret-0e84d2b6f5",
  balances: { USDT: "10000000" },
  multipleInvestments: true,
};
const HTML_502 = "<html><body><h1>502 Bad Gateway</h1></body></html>";
const HTML_503 = "<html><head><title>Maintenance</title></head><body>Back soon</body></html>";

/** What an invest must end in. */
interface Expected {
  /** The error class, exactly; absent for a success. */
  error?: typeof WhiteBitError;
  outcome?: Outcome;
  /** Whether the sandbox carries the investment out. */
  processed: boolean;
  /** Requests the client may send for it (a 429 is retried: it never ran). */
  attempts: number;
}

interface Kind {
  name: string;
  weight: number;
  fault: (random: () => number) => SandboxFault | undefined;
  expected: Expected;
}

const SUCCESS: Expected = { processed: true, attempts: 1 };
const KINDS: Kind[] = [
  { name: "no fault", weight: 36, fault: () => undefined, expected: SUCCESS },
  {
    name: "latency",
    weight: 12,
    fault: (random) => ({ kind: "latency", ms: 1 + Math.floor(random() * 40) }),
    expected: SUCCESS,
  },
  {
    name: "latency beyond the timeout",
    weight: 3,
    fault: () => ({ kind: "latency", ms: TIMEOUT_MS + 300 }),
    expected: { error: TimeoutError, outcome: "unknown", processed: true, attempts: 1 },
  },
  {
    name: "500 JSON, not processed",
    weight: 8,
    fault: () => ({
      kind: "respond",
      status: 500,
      body: '{"error":["Internal server error."]}',
      contentType: "application/json",
    }),
    expected: { error: ServerError, outcome: "unknown", processed: false, attempts: 1 },
  },
  {
    name: "502 HTML after processing",
    weight: 8,
    fault: () => ({
      kind: "respond",
      status: 502,
      body: HTML_502,
      contentType: "text/html",
      afterProcessing: true,
    }),
    expected: { error: ServerError, outcome: "unknown", processed: true, attempts: 1 },
  },
  {
    name: "503 HTML maintenance",
    weight: 8,
    fault: () => ({ kind: "respond", status: 503, body: HTML_503, contentType: "text/html" }),
    expected: { error: ServerError, outcome: "unknown", processed: false, attempts: 1 },
  },
  {
    name: "201 with a non-JSON body after processing",
    weight: 5,
    fault: () => ({ kind: "respond", status: 201, body: "OK", afterProcessing: true }),
    expected: { error: WhiteBitError, outcome: "unknown", processed: true, attempts: 1 },
  },
  {
    name: "200 JSON without an id after processing",
    weight: 3,
    fault: () => ({
      kind: "respond",
      status: 200,
      body: '{"success":true}',
      contentType: "application/json",
      afterProcessing: true,
    }),
    expected: { error: WhiteBitError, outcome: "unknown", processed: true, attempts: 1 },
  },
  {
    name: "processed, then the connection dropped",
    weight: 8,
    fault: () => ({ kind: "drop", afterProcessing: true }),
    expected: { error: NetworkError, outcome: "unknown", processed: true, attempts: 1 },
  },
  {
    name: "connection dropped before processing",
    weight: 4,
    fault: () => ({ kind: "drop" }),
    expected: { error: NetworkError, outcome: "unknown", processed: false, attempts: 1 },
  },
  {
    name: "gateway 429 (HTML), then retried",
    weight: 2,
    fault: () => ({
      kind: "respond",
      status: 429,
      body: "<html>429</html>",
      contentType: "text/html",
    }),
    expected: { processed: true, attempts: 2 },
  },
  {
    name: "422 not enough balance",
    weight: 3,
    fault: () => ({
      kind: "respond",
      status: 422,
      body:
        '{"code":4,"message":"Inner validation failed","errors":{"amount":["Available 9 < 10"]}}',
      contentType: "application/json",
    }),
    expected: {
      error: InvestmentRejectedError,
      outcome: "not_executed",
      processed: false,
      attempts: 1,
    },
  },
];

function draw(random: () => number): Kind {
  const total = KINDS.reduce((sum, kind) => sum + kind.weight, 0);
  let pick = random() * total;
  for (const kind of KINDS) {
    if ((pick -= kind.weight) < 0) return kind;
  }
  return KINDS[KINDS.length - 1];
}

Deno.test(`${INVESTS} invests under seeded faults (seed ${SEED}): typed failures, no ambiguous retry, exact ledger`, async () => {
  const random = seededRandom(SEED);
  const plan = Array.from({ length: INVESTS }, () => {
    const kind = draw(random);
    return { kind, fault: kind.fault(random) };
  });
  const sandbox = new WhiteBitSandbox({
    accounts: [ACCOUNT],
    plans: [{
      id: "plan-faults",
      ticker: "USDT",
      minInvestment: "1",
      maxInvestment: "1000",
      maxPossibleInvestment: "100000000",
    }],
  });
  await using server = sandbox.listen();

  // Each invest has its own amount (index + 1), so every request tells which
  // invest it belongs to; its fault is aimed at its first request's nonce.
  const attempts: number[][] = plan.map(() => []);
  const aimingFetch: FetchLike = async (url, init) => {
    const body = JSON.parse(init.body instanceof Blob ? await init.body.text() : String(init.body));
    const index = Number(body.amount) - 1;
    const { fault } = plan[index];
    if (fault && attempts[index].length === 0) sandbox.injectFault(fault, { nonce: body.nonce });
    attempts[index].push(body.nonce);
    return fetch(url, init);
  };
  const client = new WhiteBitClient({
    apiKey: ACCOUNT.apiKey,
    apiSecret: ACCOUNT.apiSecret,
    baseUrl: server.url,
    fetch: aimingFetch,
    timeoutMs: TIMEOUT_MS,
    retryDelayMs: 5,
  });

  const results: PromiseSettledResult<{ id: string }>[] = new Array(INVESTS);
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < INVESTS) {
      const index = next++;
      results[index] = await client.invest({ planId: "plan-faults", amount: String(index + 1) })
        .then(
          (value) => ({ status: "fulfilled", value }),
          (reason) => ({ status: "rejected", reason }),
        );
    }
  }));
  await sandbox.settled();

  const seen = new Map<string, number>();
  const mismatches: string[] = [];
  const expectedInLedger = new Set<number>();
  let reconciled = 0;
  let successes = 0;
  let retriesOfAmbiguous = 0;
  const ledgerNonces = new Set(sandbox.investments.map((investment) => investment.nonce));
  for (const [index, result] of results.entries()) {
    const { kind } = plan[index];
    const { expected } = kind;
    seen.set(kind.name, (seen.get(kind.name) ?? 0) + 1);
    const where = `invest ${index} (${kind.name})`;
    if (attempts[index].length !== expected.attempts) {
      mismatches.push(
        `${where}: ${attempts[index].length} requests, expected ${expected.attempts}`,
      );
    }
    if (result.status === "fulfilled") {
      successes++;
      if (expected.error) mismatches.push(`${where}: succeeded, expected ${expected.error.name}`);
    } else {
      const error = result.reason;
      if (!(error instanceof WhiteBitError)) {
        mismatches.push(`${where}: untyped failure ${error}`);
        continue;
      }
      for (const view of views(error)) {
        assertNoSecrets(
          view,
          { "the secret": ACCOUNT.apiSecret, "the API key": ACCOUNT.apiKey },
          where,
        );
      }
      if (error.constructor !== expected.error || error.outcome !== expected.outcome) {
        mismatches.push(
          `${where}: ${error.name}/${error.outcome}, expected ${expected.error?.name}/${expected.outcome}`,
        );
      }
      if (error.outcome === "unknown") {
        retriesOfAmbiguous += attempts[index].length - 1;
        // What a caller does with "unknown": look the nonce up in the investments.
        if (error.nonce !== undefined && ledgerNonces.has(error.nonce)) reconciled++;
      }
    }
    if (expected.processed) expectedInLedger.add(attempts[index][attempts[index].length - 1]);
  }
  deepStrictEqual(mismatches, []);
  strictEqual(retriesOfAmbiguous, 0, "ambiguous invests retried");
  for (const kind of KINDS) ok(seen.has(kind.name), `the seed drew no "${kind.name}"`);

  // Every request the client sent reached the sandbox exactly once.
  const arrivals = new Map<number, number>();
  for (const request of sandbox.requests.filter((r) => r.path === INVEST)) {
    arrivals.set(request.nonce!, (arrivals.get(request.nonce!) ?? 0) + 1);
  }
  const sent = attempts.flat();
  strictEqual(new Set(sent).size, sent.length, "a nonce was used twice");
  strictEqual(
    [...arrivals.values()].filter((count) => count !== 1).length,
    0,
    "a request arrived twice",
  );
  strictEqual(arrivals.size, sent.length, "requests sent and requests arrived differ");

  // The ledger: the successes plus the ambiguous invests that were carried out, once each.
  const ledger = sandbox.investments;
  strictEqual(ledger.length, successes + reconciled);
  deepStrictEqual(new Set(ledger.map((investment) => investment.nonce)), expectedInLedger);
  strictEqual(
    new Set(ledger.map((investment) => investment.amount)).size,
    ledger.length,
    "duplicate",
  );
  const invested = ledger.reduce((sum, investment) => addDecimal(sum, investment.amount), "0");
  strictEqual(sandbox.balance(ACCOUNT.apiKey, "USDT"), subtractDecimal("10000000", invested));
});
