/**
 * Starts `bench/sandbox_server.ts` in its own process and stops it, so a
 * benchmark's client and the sandbox it talks to never share a process.
 *
 * @example
 * ```ts ignore
 * import { startSandboxProcess } from "./_sandbox.ts";
 *
 * await using sandbox = await startSandboxProcess({ rateLimit: "off" });
 * console.log(sandbox.info.url);
 * ```
 *
 * @module
 */

import type { SandboxAccount, SandboxPlan } from "../testing.ts";

/**
 * The benchmark accounts: fake credentials, valid only in the sandbox. Each
 * measured run takes a fresh one, so no run inherits another's nonces.
 */
export function benchAccounts(count: number): SandboxAccount[] {
  return Array.from({ length: count }, (_, i) => ({
    apiKey: `bench-public-key-${i}`,
    apiSecret: `bench-secret-3d7b52e8a4f1c6d9-${i}`,
    balances: { USDT: "1000000000000" },
    multipleInvestments: true,
  }));
}

/** A plan deep enough for millions of 1-USDT investments. */
export const BENCH_PLAN: SandboxPlan = {
  id: "6f1d2c3b-4a59-4e68-8d7c-0b1a2f3e4d5c",
  ticker: "USDT",
  percent: "1",
  minInvestment: "1",
  maxInvestment: "1000",
  maxPossibleInvestment: "1000000000000",
};

/** What the sandbox process prints once it listens. */
export interface SandboxInfo {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The accounts' credentials. */
  accounts: { apiKey: string; apiSecret: string }[];
  /** The bench plan's id. */
  planId: string;
}

/** What the sandbox process saw, printed when it stops. */
export interface SandboxReport {
  /** Investments in its ledger. */
  investments: number;
  /** Requests by answered status (`"dropped"` for closed connections). */
  statuses: Record<string, number>;
}

/** A running sandbox process. */
export interface SandboxProcess extends AsyncDisposable {
  /** Where it listens, and its credentials. */
  info: SandboxInfo;
  /** The process id, to read its memory or CPU from outside. */
  pid: number;
  /** Stops it and returns what it saw. */
  stop(): Promise<SandboxReport>;
}

/**
 * Starts a sandbox process and waits until it listens.
 *
 * @param options `rateLimit: "off"` for throughput runs (WhiteBIT's limit
 * otherwise), and how many accounts (default 1).
 * @returns The running process.
 */
export async function startSandboxProcess(
  options: { rateLimit?: "whitebit" | "off"; accounts?: number } = {},
): Promise<SandboxProcess> {
  const script = new URL("./sandbox_server.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--config=${new URL("../deno.json", import.meta.url).pathname}`,
      "--allow-net=127.0.0.1",
      script,
      `--accounts=${options.accounts ?? 1}`,
      ...(options.rateLimit === "off" ? ["--rate-limit=off"] : []),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(
    new LineSplitter(),
  ).getReader();
  const first = await lines.read();
  if (first.done) {
    throw new Error(
      "Cannot start the sandbox process: it exited before listening",
    );
  }
  const info = JSON.parse(first.value) as SandboxInfo;
  const writer = child.stdin.getWriter();
  let stopping: Promise<SandboxReport> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      await writer.close();
      const last = await lines.read();
      await child.status;
      if (last.done) {
        throw new Error(
          "The sandbox process exited without its report",
        );
      }
      return JSON.parse(last.value) as SandboxReport;
    })();
  return {
    info,
    pid: child.pid,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}

/** Splits a text stream into lines. */
class LineSplitter extends TransformStream<string, string> {
  constructor() {
    let rest = "";
    super({
      transform(chunk, controller) {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop()!;
        for (const part of parts) if (part) controller.enqueue(part);
      },
      flush(controller) {
        if (rest) controller.enqueue(rest);
      },
    });
  }
}
