/**
 * Cold start, whole process: import the client, sign one invest and send it
 * to a sandbox running in another process on 127.0.0.1, wait for its 201,
 * exit. Each program is a fresh process, timed from spawn to exit by this
 * harness; programs alternate round by round; the first round warms Deno's
 * module cache and is not counted.
 *
 * Targets: with an in-memory transport (a `fetch` answering in process),
 * import + first invest adds ≤ 8 ms over an empty Deno process; with a real
 * loopback fetch, ≤ 3 ms over the floor ("deno fetch": the same invest,
 * signed by this harness just before, sent by a program that only calls
 * `fetch`); ccxt adds ≥ 25× what ours adds. ccxt is measured under Deno
 * (same runtime) and under Node (its home runtime, against an empty Node
 * process). Our programs print when each phase ended (import, client,
 * first invest), and the breakdown is printed by phase.
 *
 * @module
 */

import { importApiSecret, signBody } from "../sign.ts";
import { startSandboxProcess } from "./_sandbox.ts";
import { fmt, interleave, median, printTable, verdict } from "./_stats.ts";

const ROUNDS = 20;
const here = (path: string) => new URL(path, import.meta.url).pathname;

await using sandbox = await startSandboxProcess({ accounts: 4 });
const { url, planId, accounts } = sandbox.info;
const args = (
  i: number,
) => [url, accounts[i].apiKey, accounts[i].apiSecret, planId];
const deno = Deno.execPath();

const floorKey = await importApiSecret(accounts[3].apiSecret);
let floorNonce = 0;
/** Arguments of the floor program: a freshly signed invest. */
async function presigned(): Promise<string[]> {
  floorNonce = Math.max(Date.now(), floorNonce + 1);
  const body = JSON.stringify({
    request: "/api/v4/main-account/smart/investment",
    nonce: floorNonce,
    nonceWindow: true,
    planId,
    amount: "1",
  });
  const { payload, signature } = await signBody(floorKey, body);
  return [
    `${url}/api/v4/main-account/smart/investment`,
    accounts[3].apiKey,
    payload,
    signature,
    body,
  ];
}

const programs: Record<string, [string, string[] | (() => Promise<string[]>)]> = {
  "deno empty": [deno, ["run", here("./cold/empty.ts")]],
  "deno fetch": [
    deno,
    async () => [
      "run",
      "--allow-net=127.0.0.1",
      here("./cold/fetch.ts"),
      ...await presigned(),
    ],
  ],
  "deno ours": [deno, [
    "run",
    "--allow-net=127.0.0.1",
    here("./cold/ours.ts"),
    ...args(0),
  ]],
  "deno ours in memory": [deno, [
    "run",
    here("./cold/ours.ts"),
    ...args(0),
    "memory",
  ]],
  "deno ccxt": [deno, [
    "run",
    "--allow-net=127.0.0.1",
    "--allow-read",
    "--allow-env",
    here("./cold/ccxt.ts"),
    ...args(1),
  ]],
  "node empty": ["node", [here("./cold/empty.mjs")]],
  "node ccxt": ["node", [here("./cold/ccxt.mjs"), ...args(2)]],
};

/** When each phase of our programs ended, ms since their process started, by program. */
const phases: Record<string, Record<string, number>[]> = {};

/** Runs one program to its end; returns the wall time in ms, and keeps the phases it printed. */
async function run(
  name: string,
  command: string,
  commandArgs: string[],
): Promise<number> {
  const start = performance.now();
  const { code, stdout, stderr } = await new Deno.Command(command, {
    args: commandArgs,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const elapsed = performance.now() - start;
  if (code !== 0) {
    throw new Error(
      `${command} ${commandArgs[1]} failed: ${new TextDecoder().decode(stderr)}`,
    );
  }
  if (name.startsWith("deno ours")) {
    (phases[name] ??= []).push(JSON.parse(new TextDecoder().decode(stdout)));
  }
  return elapsed;
}

const samples = await interleave(
  { rounds: ROUNDS },
  Object.fromEntries(
    Object.entries(programs).map(([name, [command, commandArgs]]) => [
      name,
      async () =>
        run(
          name,
          command,
          typeof commandArgs === "function" ? await commandArgs() : commandArgs,
        ),
    ]),
  ),
);
const report = await sandbox.stop();
printTable(
  "Whole process, spawn to exit: import + one signed invest answered 201",
  samples,
  "ms",
);
console.log(`  sandbox saw: ${JSON.stringify(report.statuses)}`);

console.log(
  "\nOur programs by phase (median ms since the process started; each phase's share):",
);
for (const [name, runs] of Object.entries(phases)) {
  const at = (phase: string) => median(runs.slice(1).map((run) => run[phase]));
  const marks = ["started", "imported", "constructed", "invested"].map(at);
  console.log(
    `  ${name}: runtime ready ${fmt(marks[0])}, import +${fmt(marks[1] - marks[0])}, ` +
      `new WhiteBitClient +${fmt(marks[2] - marks[1])}, first invest +${fmt(marks[3] - marks[2])}`,
  );
}

const m = (name: string) => median(samples[name]);
const ours = m("deno ours") - m("deno empty");
const inMemory = m("deno ours in memory") - m("deno empty");
const floor = m("deno fetch") - m("deno empty");
const ccxtDeno = m("deno ccxt") - m("deno empty");
const ccxtNode = m("node ccxt") - m("node empty");
console.log("\nAdded over the empty process (difference of medians):");
console.log(
  "  " +
    verdict("ours, in-memory transport, over empty Deno", inMemory, {
      op: "≤",
      bound: 8,
      unit: " ms",
    }),
);
console.log(`  ours, loopback fetch, over empty Deno: ${fmt(ours)} ms`);
console.log(
  `  bare fetch of a presigned invest over empty Deno (the floor): ${fmt(floor)} ms`,
);
console.log(
  "  " +
    verdict("ours over the floor", ours - floor, {
      op: "≤",
      bound: 3,
      unit: " ms",
    }),
);
console.log(`  ccxt over empty Deno: ${fmt(ccxtDeno)} ms`);
console.log(`  ccxt over empty Node: ${fmt(ccxtNode)} ms`);
console.log(
  "  " +
    verdict("ccxt (Deno) added / ours added", ccxtDeno / ours, {
      op: "≥",
      bound: 25,
      unit: "×",
    }),
);
console.log(
  "  " +
    verdict("ccxt (Node) added / ours added", ccxtNode / ours, {
      op: "≥",
      bound: 25,
      unit: "×",
    }),
);
