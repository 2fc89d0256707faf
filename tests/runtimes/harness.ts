// The runtime matrix's plumbing: the pinned versions, the fixture directory
// (client bundle + scenario + per-runtime entry files), and helpers to run a
// job in a child process within a deadline. The rows are in rows.ts.

import { createRequire } from "node:module";
import { bundleClient } from "../../tools/bundle_client.ts";

/** What `fixtures/scenario.js` takes (see there). */
export interface ScenarioInput {
  vector: { secret: string; body: string };
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  planId: string;
  amount: string;
  flexPlan: string;
  flexAmount: string;
}

/** What a runtime reports back: who ran, and what `fixtures/scenario.js` returned. */
export interface RuntimeReport {
  runtime: string;
  signature?: string;
  investmentId?: string;
  flexTransactionId?: string;
  error?: string;
}

/** One run of the scenario on one runtime. */
export interface RuntimeJob {
  /** The fixture directory: see {@linkcode fixtureDir}. */
  dir: string;
  input: ScenarioInput;
  /** Aborted at the row's deadline: stop the runtime and give up. */
  signal: AbortSignal;
}

/** JSR's runtime-compatibility keys (package settings). */
export type JsrRuntime = "deno" | "node" | "bun" | "workerd" | "browser";

/** One row of the runtime matrix. */
export interface RuntimeRow {
  /** The test's and the README's name for it. */
  name: string;
  /** The JSR runtime this row proves, if it proves one. */
  jsr?: JsrRuntime;
  /** What `report.runtime` must match: the runtime and version that really ran. */
  identity: RegExp;
  /** Runs the scenario there. */
  run(job: RuntimeJob): Promise<RuntimeReport>;
}

const TOOLS = new URL("../../tools/", import.meta.url);
const FIXTURES = new URL("./fixtures/", import.meta.url);

/** The versions pinned in tools/package.json (npm) and tools/apt-packages.txt (Debian). */
export const PINS: { npm: Record<string, string>; apt: Record<string, string> } = {
  npm: JSON.parse(await Deno.readTextFile(new URL("package.json", TOOLS))).devDependencies,
  apt: Object.fromEntries(
    (await Deno.readTextFile(new URL("apt-packages.txt", TOOLS)))
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("#"))
      .map((line) => line.trim().split("=")),
  ),
};

/** The path of a binary installed by `npm ci` in tools/. */
export function toolBinary(name: string): string {
  return new URL(`node_modules/.bin/${name}`, TOOLS).pathname;
}

/** A `require` that loads npm packages installed in tools/ (CommonJS, untyped). */
const requireFromTools: (name: string) => unknown = createRequire(
  new URL("package.json", TOOLS),
);

const PACKAGE_NAME = "@lending/whitebit";
let fixture: Promise<string> | undefined;

/**
 * The fixture directory, built once per test run and removed when it ends:
 * every file of fixtures/, the client bundle as `mod.js`, and the same bundle
 * installed as the npm package `node_modules/@lending/whitebit` for Node and
 * Bun (an ES module package, as JSR's npm layer ships it).
 */
export function fixtureDir(): Promise<string> {
  return fixture ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "whitebit-runtimes-" });
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
    for await (const entry of Deno.readDir(FIXTURES)) {
      await Deno.copyFile(new URL(entry.name, FIXTURES), `${dir}/${entry.name}`);
    }
    // The client and the signing primitives the matrix signs the vector with.
    const bundle = await bundleClient(`${dir}/mod.js`, "tests/runtimes/fixtures/entry.ts");
    const { version } = JSON.parse(await Deno.readTextFile(new URL("../deno.json", TOOLS)));
    const installed = `${dir}/node_modules/${PACKAGE_NAME}`;
    await Deno.mkdir(installed, { recursive: true });
    await Deno.writeFile(`${installed}/mod.js`, bundle);
    await writeJson(`${installed}/package.json`, {
      name: PACKAGE_NAME,
      version,
      type: "module",
      exports: { ".": "./mod.js" },
    });
    await writeJson(`${dir}/package.json`, { private: true, type: "module" });
    return dir;
  })();
}

function writeJson(path: string, value: unknown): Promise<void> {
  return Deno.writeTextFile(path, JSON.stringify(value, null, 2) + "\n");
}

/** Settles as `promise` does, or rejects with a clear error if `signal` aborts first. */
export function beforeDeadline<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new Error(`Cannot finish: the deadline passed: ${signal.reason}`));
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/**
 * Runs `command args... <input as JSON>` in the fixture directory and parses
 * the last line it prints as the report. A missing binary, a non-zero exit or
 * the deadline is an error carrying the process's output.
 */
export async function reportFromProcess(
  command: string,
  args: string[],
  job: RuntimeJob,
): Promise<RuntimeReport> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, {
      args: [...args, JSON.stringify(job.input)],
      cwd: job.dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: job.signal,
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`Cannot run ${command}: it is not installed (run .ci/run, or see README)`);
    }
    throw error;
  }
  const decoder = new TextDecoder();
  const stdout = decoder.decode(output.stdout).trim();
  if (!output.success) {
    throw new Error(
      `Cannot run ${command}: ${
        job.signal.aborted ? `${job.signal.reason}: ` : ""
      }exit ${output.code}${output.signal ? ` (${output.signal})` : ""}\n` +
        `${stdout}\n${decoder.decode(output.stderr)}`,
    );
  }
  return JSON.parse(stdout.split("\n").at(-1)!);
}

/** Matches `text` literally inside a RegExp. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The part of Miniflare's API the workerd tests use. */
export interface Miniflare {
  ready: Promise<URL>;
  dispatchFetch(
    url: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<Response>;
  /** A Durable Object namespace bound to the Worker, usable from here. */
  getDurableObjectNamespace(binding: string): Promise<{
    idFromName(name: string): unknown;
    get(id: unknown): { fetch(input: string, init?: RequestInit): Promise<Response> };
  }>;
  dispose(): Promise<void>;
}

/** Miniflare's constructor, as installed in tools/. */
export type MiniflareConstructor = new (options: {
  modules: { type: "ESModule"; path: string; contents: string }[];
  modulesRoot: string;
  compatibilityDate: string;
  cf: false;
  bindings?: Record<string, string>;
  durableObjects?: Record<string, { className: string; useSQLite?: boolean }>;
  /** A folder that keeps Durable Objects' storage across restarts. */
  durableObjectsPersist?: string;
}) => Miniflare;

const SERVER = new URL("../../server.ts", import.meta.url).pathname;

/**
 * The Worker bundle of server.ts, as the README deploys it (`deno bundle
 * --platform=browser`), written to `dir/worker.js`; its text.
 */
export async function bundleWorker(dir: string, signal: AbortSignal): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform=browser", "-o", `${dir}/worker.js`, SERVER],
    stdout: "piped",
    stderr: "piped",
    signal,
  }).output();
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
  return await Deno.readTextFile(`${dir}/worker.js`);
}

/** workerd refuses a date newer than its binary (2026-05-03 for the pinned one). */
export const WORKERD_COMPATIBILITY_DATE = "2026-04-26";

/** Miniflare from tools/node_modules (CommonJS, so loaded with `require`). */
export function loadMiniflare(): MiniflareConstructor {
  return (requireFromTools("miniflare") as { Miniflare: MiniflareConstructor }).Miniflare;
}
