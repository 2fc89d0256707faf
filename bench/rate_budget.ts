/**
 * Rate budget: 3000 invests offered at once through one client with its
 * default limiter (WhiteBIT's 1000 per 10 s), against a sandbox process that
 * enforces WhiteBIT's limit (1000 per 10 s per key, counted on arrival).
 * Takes about 20 s of real time by nature: the 3rd thousand can leave only
 * two windows after the 1st.
 *
 * Used share of the budget: under a sliding window of 1000 per 10 s the k-th
 * request (from 0) can leave at the earliest ⌊k / 1000⌋ × 10 s after the
 * first, so the ideal span for 3000 is 20 s; used = 20 s / actual span from
 * the first request sent to the last.
 *
 * Target: ≥ 98% used, and 0 rate-limit answers from the sandbox.
 *
 * @module
 */

import { RateLimitError, WhiteBitClient } from "../mod.ts";
import type { FetchLike } from "../client/options.ts";
import { startSandboxProcess } from "./_sandbox.ts";
import { fmt, verdict } from "./_stats.ts";

const OFFERED = 3000;
const LIMIT = 1000;
const WINDOW_MS = 10_000;

await using sandbox = await startSandboxProcess({ rateLimit: "whitebit" });
const { url, planId, accounts } = sandbox.info;
const sentAt: number[] = [];
const answeredAt: number[] = [];
const timedFetch: FetchLike = async (input, init) => {
  sentAt.push(performance.now());
  const response = await fetch(input, init);
  answeredAt.push(performance.now());
  return response;
};
const client = new WhiteBitClient({
  ...accounts[0],
  baseUrl: url,
  fetch: timedFetch,
});

const started = performance.now();
const results = await Promise.allSettled(
  Array.from({ length: OFFERED }, () => client.invest({ planId, amount: "1" })),
);
const finished = performance.now();
const report = await sandbox.stop();

const succeeded = results.filter((result) => result.status === "fulfilled").length;
const rateLimited =
  results.filter((result) =>
    result.status === "rejected" && result.reason instanceof RateLimitError
  ).length;
const otherErrors = OFFERED - succeeded - rateLimited;
sentAt.sort((a, b) => a - b);
const span = sentAt[sentAt.length - 1] - sentAt[0];
const idealSpan = Math.floor((OFFERED - 1) / LIMIT) * WINDOW_MS;
let busiest = 0;
for (let first = 0, last = 0; last < sentAt.length; last++) {
  while (sentAt[last] - sentAt[first] >= WINDOW_MS) first++;
  busiest = Math.max(busiest, last - first + 1);
}

console.log(
  `\nRate budget: ${OFFERED} invests offered at once through one client`,
);
console.log(`  requests sent: ${sentAt.length}; succeeded: ${succeeded}`);
console.log(
  `  rate-limited (client errors): ${rateLimited}; other errors: ${otherErrors}`,
);
console.log(`  sandbox answers: ${JSON.stringify(report.statuses)}`);
console.log(
  `  first to last request sent: ${fmt(span / 1000)} s (ideal ${
    idealSpan / 1000
  } s); all done after ${fmt((finished - started) / 1000)} s`,
);
console.log(
  `  most requests sent in any 10 s window: ${busiest} (limit ${LIMIT})`,
);
console.log(
  `  the first ${LIMIT} (sent at once) were all answered after ${
    fmt((answeredAt[LIMIT - 1] - sentAt[0]) / 1000)
  } s: a slot frees ${WINDOW_MS / 1000} s after its answer, so later requests inherit that delay`,
);
console.log("\nRatios:");
console.log(
  "  " +
    verdict("budget used", (idealSpan / span) * 100, {
      op: "≥",
      bound: 98,
      unit: "%",
    }),
);
console.log(
  "  " +
    verdict("sandbox 429 answers", report.statuses["429"] ?? 0, {
      op: "≤",
      bound: 0,
      unit: "",
    }),
);
