/**
 * Checks README.md's deploy sections offline, exactly as written, in a
 * folder under `dist/` (ignored by git), where `@lending/whitebit/server`
 * is this checkout (the workspace's own package):
 *
 * - Deno Deploy: its `main.ts` type-checks (`deno check`), and its
 *   `deno serve` line runs it against the sandbox on 127.0.0.1, twice on
 *   one Deno KV file: an invest through one process is replayed by the
 *   other, and `WHITEBIT_BASE_URL` and `LENDING_CORS_ORIGINS` are honoured.
 * - Cloudflare Workers: its `worker.ts` is bundled with its `deno bundle`
 *   line, and `wrangler deploy --dry-run` with its `wrangler.toml` must
 *   list the `LENDING_IDEMPOTENCY` Durable Object; the bundle must export
 *   `IdempotencyDurableObject` and the server.
 *
 * Run: `deno task check:deploy` (needs tools/node_modules: `cd tools && npm ci`).
 *
 * @module
 */

import { WhiteBitSandbox } from "../testing.ts";

const ROOT = new URL("../", import.meta.url);
const WRANGLER = new URL("tools/node_modules/.bin/wrangler", ROOT).pathname;
const TOKEN = "deploy-check-token";
const ORIGIN = "https://app.example";

const readme = await Deno.readTextFile(new URL("README.md", ROOT));

/** The lines of README's section under `heading`, up to the next heading of its level or above. */
function section(heading: string): string {
  const lines = readme.split("\n");
  const start = lines.indexOf(`### ${heading}`);
  if (start < 0) throw new Error(`README.md has no section "${heading}"`);
  let fenced = false;
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^ *```/.test(line)) fenced = !fenced;
    if (!fenced && /^#{1,3} /.test(line)) break;
    body.push(line);
  }
  return body.join("\n");
}

/** The code block of `text` fenced as `lang` whose first line is `first`, without that line. */
function block(text: string, lang: string, first: string): string {
  const fences = [...text.matchAll(/^( *)```(\w+)\n([\s\S]*?)^ *```$/gm)];
  const found = fences.find(([, , info, body]) => info === lang && body.startsWith(`${first}\n`));
  if (!found) {
    throw new Error(`README.md has no ${lang} block starting "${first}"`);
  }
  const indent = found[1];
  return found[3].split("\n").map((line) =>
    line.startsWith(indent) ? line.slice(indent.length) : line
  )
    .slice(1).join("\n");
}

/** The arguments of the line of a `sh` block that runs `command` (`deno serve`, `deno bundle`). */
function commandLine(text: string, command: string): string[] {
  const fences = [...text.matchAll(/^ *```sh\n([\s\S]*?)^ *```$/gm)].map((m) => m[1]);
  const line = fences.flatMap((body) => body.split("\n")).map((l) => l.trim())
    .find((l) => l.startsWith(`${command} `));
  if (!line) throw new Error(`README.md has no "${command}" line`);
  return line.split(/\s+/).slice(1);
}

/** Runs a command; its output, or an error with it. */
async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<string> {
  const output = await new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const text = new TextDecoder().decode(output.stdout) +
    new TextDecoder().decode(output.stderr);
  if (!output.success) {
    throw new Error(`${command} ${args.join(" ")} failed:\n${text}`);
  }
  return text;
}

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`Cannot deploy as README.md says: ${what}`);
}

async function denoDeploy(dir: string): Promise<string> {
  const text = section("Deploy on Deno Deploy");
  await Deno.writeTextFile(`${dir}/main.ts`, block(text, "ts", "// main.ts"));
  await run(Deno.execPath(), ["check", "--quiet", "main.ts"], { cwd: dir });
  const serve = commandLine(text, "deno serve");
  const sandbox = new WhiteBitSandbox();
  await using wire = sandbox.listen();
  const env = {
    WHITEBIT_API_KEY: sandbox.credentials.apiKey,
    WHITEBIT_API_SECRET: sandbox.credentials.apiSecret,
    WHITEBIT_BASE_URL: wire.url,
    LENDING_API_TOKENS: TOKEN,
    LENDING_CORS_ORIGINS: ORIGIN,
    LENDING_DENO_KV: "./lending.kv",
  };
  const start = async () => {
    const child = new Deno.Command(Deno.execPath(), {
      // Only on 127.0.0.1, on a port of its own: the README's line, otherwise as written.
      args: ["serve", "--host=127.0.0.1", "--port=0", ...serve.slice(1)],
      cwd: dir,
      env: { ...env, NO_COLOR: "1", RUST_BACKTRACE: "0" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const reader = child.stderr.pipeThrough(new TextDecoderStream())
      .getReader();
    let printed = "";
    const deadline = setTimeout(() => child.kill("SIGKILL"), 60_000);
    let url: string | undefined;
    while (!url) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`deno serve exited: ${printed}`);
      printed += value;
      url = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1];
    }
    clearTimeout(deadline);
    check(
      !printed.includes("@lending/whitebit/server is not configured"),
      printed,
    );
    (async () => {
      while (!(await reader.read()).done) { /* drain */ }
    })();
    return {
      url,
      async [Symbol.asyncDispose]() {
        child.kill("SIGTERM");
        await child.status;
      },
    };
  };
  await using first = await start();
  await using second = await start();
  const invest = (url: string) =>
    fetch(`${url}/v1/investments`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        "content-type": "application/json",
        "idempotency-key": "deploy-check-1",
        origin: ORIGIN,
      },
      body: JSON.stringify({ planId: sandbox.plans[0].id, amount: "100" }),
    });
  const made = await invest(first.url);
  check(
    made.status === 201,
    `an invest through main.ts answered ${made.status}`,
  );
  check(
    made.headers.get("access-control-allow-origin") === ORIGIN,
    "LENDING_CORS_ORIGINS was not honoured",
  );
  const { id } = await made.json();
  const replay = await invest(second.url);
  check(
    replay.headers.get("idempotent-replayed") === "true",
    "the second process did not replay",
  );
  check((await replay.json()).id === id, "the replay is another investment");
  check(
    sandbox.investments.length === 1,
    "WHITEBIT_BASE_URL was not honoured, or it invested twice",
  );
  return `main.ts type-checks; "deno ${
    serve.join(" ")
  }" served an invest, replayed by a second process through ${env.LENDING_DENO_KV}`;
}

async function workers(dir: string): Promise<string> {
  const text = section("Deploy on Cloudflare Workers");
  await Deno.writeTextFile(
    `${dir}/worker.ts`,
    block(text, "ts", "// worker.ts"),
  );
  await Deno.writeTextFile(
    `${dir}/wrangler.toml`,
    block(text, "toml", "# wrangler.toml"),
  );
  const bundle = commandLine(text, "deno bundle");
  await run(Deno.execPath(), bundle, { cwd: dir });
  const built = await import(new URL(`file://${dir}/dist/worker.js`).href);
  check(
    typeof built.IdempotencyDurableObject === "function",
    "the bundle lacks IdempotencyDurableObject",
  );
  check(
    typeof built.default?.fetch === "function",
    "the bundle lacks the server",
  );
  const output = await run(
    WRANGLER,
    ["deploy", "--dry-run", "--outdir", "out"],
    {
      cwd: dir,
      env: {
        WRANGLER_SEND_METRICS: "false",
        CI: "1",
        HOME: dir,
        XDG_CONFIG_HOME: dir,
      },
    },
  );
  check(
    /env\.LENDING_IDEMPOTENCY \(IdempotencyDurableObject\)\s+Durable Object/
      .test(output),
    `wrangler does not list the Durable Object binding:\n${output}`,
  );
  const size = /Total Upload: ([^\n]+)/.exec(output)?.[1] ?? "?";
  return `worker.ts bundled ("deno ${
    bundle.join(" ")
  }"), "wrangler deploy --dry-run" lists LENDING_IDEMPOTENCY (IdempotencyDurableObject); upload ${size}`;
}

await Deno.mkdir(new URL("dist/", ROOT), { recursive: true });
const dir = await Deno.makeTempDir({
  dir: new URL("dist/", ROOT).pathname,
  prefix: "check-deploy-",
});
let failed = false;
try {
  for (
    const [name, step] of [["Deno Deploy", denoDeploy], [
      "Cloudflare Workers",
      workers,
    ]] as const
  ) {
    const stepDir = `${dir}/${name.replace(/\W+/g, "-")}`;
    await Deno.mkdir(stepDir);
    try {
      console.log(`${name}: ok: ${await step(stepDir)}`);
    } catch (error) {
      failed = true;
      console.error(
        `${name}: FAILED: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
if (failed) Deno.exit(1);
