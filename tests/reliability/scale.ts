// Reliability at scale: a fleet of `deno serve server.ts` instances on one
// WhiteBIT key, each holding a leased nonce lane (WHITEBIT_NONCE_LANE=auto/8),
// all sharing one Deno KV file for Idempotency-Key records and lanes, against
// the sandbox on 127.0.0.1. 2,400 invests, each with its own key and amount,
// go round-robin over the instances, a quarter of them also sent again at
// once to another instance, some again later. A third of the way in, one
// instance is killed with SIGKILL mid-call and started again. Every key is
// sent until it has an answer (a 409, or a 503 saying the dead holder's call
// cannot be reconciled yet, is sent again with the same key, as the README
// says); afterwards WhiteBIT's ledger (the sandbox's)
// must equal the answers: one investment per key, none answered for two keys,
// none unanswered, and no request refused for its nonce.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { WhiteBitSandbox } from "../../testing.ts";
import { PATHS, PLAN, startServe, tempDir, TOKENS, typeOf } from "../_fixtures.ts";
import { seededRandom } from "../_prng.ts";

const INSTANCES = 6;
const INVESTS = 2_400;
const IN_FLIGHT = 32;
const SEED = 20_261_201;
const DEADLINE_MS = 240_000;

/** Each operation its own amount, so the ledger tells them apart: 1.0000, 1.0001, … */
const amountOf = (index: number) => (1 + index / 10_000).toFixed(4);

interface Tally {
  sent: number;
  created: number;
  replayed: number;
  conflicts: number;
  notExecuted: number;
  /** 503 `idempotency-reconciliation-failed` (outcome unknown): sent again with the same key. */
  reconcileLater: number;
  connectionErrors: number;
  reconciledFound: number;
  reconciledNotFound: number;
}

Deno.test(`scale: ${INSTANCES} instances on one key (leased lanes, one Deno KV file), ${INVESTS} invests with retries, one instance killed mid-run and restarted: the ledger equals the answers`, async () => {
  const random = seededRandom(SEED);
  const deadline = AbortSignal.timeout(DEADLINE_MS);
  const sandbox = new WhiteBitSandbox({
    accounts: [{
      apiKey: "scale-key-6b1e0d",
      apiSecret: "scale-secret-94c2aa71f0",
      balances: { USDT: "100000" },
      multipleInvestments: true,
    }],
    plans: [{ ...PLAN, maxPossibleInvestment: "100000000" }],
    precision: { USDT: 6 },
    // WhiteBIT limits requests per IP: in production each instance has its own.
    rateLimit: 1_000_000,
  });
  await using wire = sandbox.listen();
  await using dir = await tempDir();
  const env = {
    WHITEBIT_API_KEY: sandbox.credentials.apiKey,
    WHITEBIT_API_SECRET: sandbox.credentials.apiSecret,
    WHITEBIT_BASE_URL: wire.url,
    LENDING_API_TOKENS: TOKENS[0],
    LENDING_DENO_KV: `${dir.path}/fleet.kv`,
    WHITEBIT_NONCE_LANE: "auto/8",
    WHITEBIT_NONCE_LANE_LEASE_MS: "10000",
    LENDING_IDEMPOTENCY_LEASE_MS: "20000",
  };
  const start = () => startServe(env, { kvDir: dir.path });
  const fleet = await Promise.all(Array.from({ length: INSTANCES }, start));
  const tally: Tally = {
    sent: 0,
    created: 0,
    replayed: 0,
    conflicts: 0,
    notExecuted: 0,
    reconcileLater: 0,
    connectionErrors: 0,
    reconciledFound: 0,
    reconciledNotFound: 0,
  };
  /** The investment each key was answered with. */
  const answers = new Map<string, string>();
  /**
   * What the test saw of each key: `created` (a fresh 201), `found` or
   * `not-found` (reconciled), `replayed`, `lost` (its instance was killed).
   */
  const seen = new Map<string, Set<string>>();
  const saw = (key: string, what: string) => seen.set(key, (seen.get(key) ?? new Set()).add(what));
  const unexpected: string[] = [];

  /** Sends one attempt of key `key` to instance `at`; its id once answered 201. */
  const attempt = async (at: number, key: string, amount: string): Promise<string | undefined> => {
    tally.sent++;
    let response: Response;
    try {
      response = await fetch(`${fleet[at].url}/v1/investments`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${TOKENS[0]}`,
          "content-type": "application/json",
          "idempotency-key": key,
        },
        body: JSON.stringify({ planId: PLAN.id, amount }),
        signal: deadline,
      });
    } catch {
      tally.connectionErrors++; // the instance was killed: the outcome is the server's to learn
      saw(key, "lost");
      return undefined;
    }
    const body = await response.json();
    if (response.status === 201) {
      const reconciled = response.headers.get("idempotent-reconciled");
      const kind = response.headers.get("idempotent-replayed")
        ? "replayed"
        : reconciled ?? "created";
      saw(key, kind);
      if (kind === "replayed") tally.replayed++;
      else if (kind === "found") tally.reconciledFound++;
      else if (kind === "not-found") tally.reconciledNotFound++;
      else tally.created++;
      return body.id;
    }
    if (response.status === 409) tally.conflicts++;
    else if (response.status === 503 && body.outcome === "not_executed") tally.notExecuted++;
    else if (body.type === typeOf("idempotency-reconciliation-failed")) tally.reconcileLater++;
    else unexpected.push(`${key}: ${response.status} ${body.type} ${body.detail}`);
    return undefined;
  };

  /** Sends key `key` until it is answered with an investment, first to `at`, then anywhere. */
  const answerOf = async (key: string, amount: string, at: number): Promise<string> => {
    for (let tries = 0;; tries++) {
      ok(!deadline.aborted, `${key}: no answer before the deadline`);
      const id = await attempt(at, key, amount);
      if (id) return id;
      await new Promise((resolve) => setTimeout(resolve, 100 + 100 * Math.min(tries, 10)));
      at = Math.floor(random() * INSTANCES);
    }
  };

  /** One operation: round-robin, a quarter also sent at once to another instance, some again later. */
  const operate = async (index: number) => {
    const key = `scale-${index}`;
    const amount = amountOf(index);
    const at = index % INSTANCES;
    const twin = random() < 0.25
      ? attempt((at + 1 + Math.floor(random() * (INSTANCES - 1))) % INSTANCES, key, amount)
      : undefined;
    const id = await answerOf(key, amount, at);
    answers.set(key, id);
    const twinId = await twin;
    if (twinId) strictEqual(twinId, id, `${key}: the twin got another investment`);
    if (random() < 0.1) {
      strictEqual(await answerOf(key, amount, Math.floor(random() * INSTANCES)), id);
    }
  };

  const began = performance.now();
  let next = 0;
  let killed: number | undefined;
  const worker = async () => {
    while (next < INVESTS) {
      const index = next++;
      if (index === Math.floor(INVESTS / 3) && killed === undefined) {
        killed = index % INSTANCES;
        const victim = fleet[killed];
        await victim.stop("SIGKILL"); // mid-call: other workers have requests in flight there
        fleet[killed] = await start();
      }
      await operate(index);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - began) / 1000;
  for (const serve of fleet) await serve[Symbol.asyncDispose]();
  await sandbox.settled();

  deepStrictEqual(
    unexpected,
    [],
    "answers other than 201, 409, not_executed 503 and reconcile-later 503",
  );
  strictEqual(answers.size, INVESTS, "every key was answered");
  const ids = [...answers.values()];
  strictEqual(new Set(ids).size, INVESTS, "no investment answered for two keys");
  const ledger = sandbox.investments;
  strictEqual(ledger.length, INVESTS, "the ledger holds one investment per key");
  deepStrictEqual(new Set(ledger.map((investment) => investment.id)), new Set(ids));
  for (const [key, id] of answers) {
    const index = Number(key.slice("scale-".length));
    strictEqual(
      ledger.find((investment) => investment.id === id)?.amount,
      amountOf(index),
      `${key}: its own amount`,
    );
  }
  const invests = sandbox.requests.filter((r) => r.path === PATHS.invest);
  const nonceFailures = invests.filter((r) => r.status === 429 || r.status === 400).length;
  strictEqual(nonceFailures, 0, "no request refused for its nonce");
  const nonces = invests.map((r) => r.nonce!);
  strictEqual(new Set(nonces).size, nonces.length, "no nonce sent twice");
  ok(tally.connectionErrors > 0, "the killed instance had requests in flight");
  // Each key by the first thing that made its investment: a fresh 201, a reconciliation, or (seen
  // only as a replay) the killed instance, which kept its answer but died before sending it.
  let keptByTheKilled = 0;
  for (const [key, kinds] of seen) {
    if (kinds.has("created") || kinds.has("found") || kinds.has("not-found")) continue;
    ok(kinds.has("lost"), `${key}: replayed, yet never sent to the killed instance`);
    keptByTheKilled++;
  }
  const reconciled = tally.reconciledFound + tally.reconciledNotFound;
  strictEqual(
    ledger.length,
    tally.created + reconciled + keptByTheKilled,
    "the ledger: the successes plus the reconciled unknowns",
  );
  console.log(
    `  ${INVESTS} invests through ${INSTANCES} instances (instance ${killed} killed with SIGKILL ` +
      `and restarted) in ${
        seconds.toFixed(1)
      } s: ${tally.sent} requests; ${tally.created} created, ` +
      `${tally.reconciledFound} reconciled found + ${tally.reconciledNotFound} reconciled not found, ` +
      `${tally.replayed} replays, ${tally.conflicts} × 409, ${tally.notExecuted} × 503 not_executed, ` +
      `${tally.reconcileLater} × 503 reconcile later, ` +
      `${tally.connectionErrors} connection errors; ledger ${ledger.length} = ${tally.created} ` +
      `created + ${reconciled} reconciled + ${keptByTheKilled} answered only by a replay of what ` +
      `the killed instance kept; 0 duplicates; ` +
      `${invests.length} invest requests reached WhiteBIT, ${nonceFailures} refused for their nonce`,
  );
});
