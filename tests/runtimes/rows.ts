// The runtime matrix: where the client must run, and how to run the scenario
// there. Each row is one test in matrix_test.ts and one line of the README's
// table. A runtime that is not installed fails its row; nothing is skipped.
//
// To add a row, append an entry: a name, the JSR runtime it proves (if any),
// the identity its report must show, and `run`, which returns the report
// (see harness.ts for the helpers the rows below use).

import * as lib from "./fixtures/entry.ts";
import { runScenario } from "./fixtures/scenario.js";
import { runInChromium } from "./chromium.ts";
import {
  beforeDeadline,
  literal,
  loadMiniflare,
  PINS,
  reportFromProcess,
  type RuntimeJob,
  type RuntimeReport,
  type RuntimeRow,
  toolBinary,
  WORKERD_COMPATIBILITY_DATE,
} from "./harness.ts";

/** How long stopping workerd may take, even after the row's deadline. */
const DISPOSE_MS = 10_000;

export const RUNTIMES: RuntimeRow[] = [
  {
    name: "Deno (CLI)",
    jsr: "deno",
    identity: new RegExp(`^Deno ${literal(PINS.npm.deno)}$`),
    run: async (job) => ({
      runtime: `Deno ${Deno.version.deno}`,
      ...(await beforeDeadline(runScenario(lib, job.input), job.signal)),
    }),
  },
  {
    name: "Node (bundled ESM)",
    jsr: "node",
    identity: /^Node v(2\d|[3-9]\d)\.\d+\.\d+$/,
    run: (job) => reportFromProcess("node", ["process_main.mjs"], job),
  },
  {
    name: "Bun (bundled ESM)",
    jsr: "bun",
    identity: new RegExp(`^Bun ${literal(PINS.npm.bun)}$`),
    run: (job) => reportFromProcess(toolBinary("bun"), ["process_main.mjs"], job),
  },
  {
    name: "Cloudflare Workers: the client in workerd (Miniflare)",
    jsr: "workerd",
    identity: /^Cloudflare-Workers$/,
    run: runInWorkerd,
  },
  {
    name: "Browser: headless Chromium",
    jsr: "browser",
    identity: new RegExp(
      `HeadlessChrome/.* \\| Chromium/${literal(PINS.apt.chromium.split("-")[0])}$`,
    ),
    run: runInChromium,
  },
];

async function runInWorkerd(job: RuntimeJob): Promise<RuntimeReport> {
  const Miniflare = loadMiniflare();
  const module = async (path: string, file = path) => ({
    type: "ESModule" as const,
    path: `${job.dir}/${path}`,
    contents: await Deno.readTextFile(`${job.dir}/${file}`),
  });
  const mf = new Miniflare({
    // The Worker imports "@lending/whitebit": workerd finds it by that name.
    modules: [
      await module("worker_main.js"),
      await module("scenario.js"),
      await module("@lending/whitebit", "mod.js"),
    ],
    modulesRoot: job.dir,
    compatibilityDate: WORKERD_COMPATIBILITY_DATE,
    cf: false,
  });
  try {
    // A failed workerd start has been seen to hang: the deadline bounds it.
    return await beforeDeadline(
      (async () => {
        await mf.ready;
        const response = await mf.dispatchFetch("http://worker/", {
          method: "POST",
          body: JSON.stringify(job.input),
        });
        return await response.json();
      })(),
      job.signal,
    );
  } finally {
    await beforeDeadline(mf.dispose(), AbortSignal.timeout(DISPOSE_MS));
  }
}
