// The browser row: headless Chromium loads a page from a small server on
// 127.0.0.1 that serves the page, the client bundle and the scenario, and
// passes /api/* through to the sandbox, so the page calls WhiteBIT's paths on
// its own origin (no CORS). The page posts its report back to /report.

import { beforeDeadline, PINS, type RuntimeJob, type RuntimeReport } from "./harness.ts";

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
};

/** Only these files of the fixture directory are served. */
const PAGE_FILES = new Set(["browser.html", "browser_main.js", "scenario.js", "mod.js"]);

/** Headless flags from shared/ENVIRONMENT.md, plus a dead proxy for anything not on loopback. */
function chromiumArgs(userDataDir: string, url: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    // Chromium never proxies loopback; everything else would go to a closed port.
    "--proxy-server=http://127.0.0.1:9",
    `--user-data-dir=${userDataDir}`,
    url,
  ];
}

/** Runs the scenario in headless Chromium (the Debian package pinned in tools/apt-packages.txt). */
export async function runInChromium(job: RuntimeJob): Promise<RuntimeReport> {
  const sandboxUrl = job.input.baseUrl;
  const { promise: reported, resolve: report } = Promise.withResolvers<RuntimeReport>();
  const stop = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: stop.signal, onListen() {} },
    async (request) => {
      const url = new URL(request.url);
      if (url.pathname.startsWith("/api/")) {
        return await fetch(sandboxUrl + url.pathname + url.search, {
          method: request.method,
          headers: request.headers,
          body: request.method === "GET" ? undefined : await request.arrayBuffer(),
        });
      }
      if (url.pathname === "/input.json") {
        return Response.json({ ...job.input, baseUrl: url.origin });
      }
      if (url.pathname === "/report" && request.method === "POST") {
        report(await request.json());
        return new Response(null, { status: 204 });
      }
      const name = url.pathname === "/" ? "browser.html" : url.pathname.slice(1);
      if (!PAGE_FILES.has(name)) return new Response(null, { status: 404 });
      return new Response(await Deno.readFile(`${job.dir}/${name}`), {
        headers: { "content-type": CONTENT_TYPES[name.split(".").at(-1)!] },
      });
    },
  );
  const userDataDir = await Deno.makeTempDir({ prefix: "whitebit-chromium-" });
  try {
    let browser: Deno.ChildProcess;
    try {
      browser = new Deno.Command("chromium", {
        args: chromiumArgs(userDataDir, `http://127.0.0.1:${server.addr.port}/`),
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new Error(
          `Cannot run chromium: it is not installed (apt-get install ${
            Object.entries(PINS.apt).map(([name, version]) => `${name}=${version}`).join(" ")
          }; .ci/run does this)`,
        );
      }
      throw error;
    }
    const exited = browser.output();
    const exitedFirst = exited.then((output): never => {
      throw new Error(
        `Cannot run the page: chromium exited with ${output.code} before reporting:\n${
          new TextDecoder().decode(output.stderr)
        }`,
      );
    });
    exitedFirst.catch(() => {}); // after a report, chromium is killed: not an error
    try {
      return await beforeDeadline(Promise.race([reported, exitedFirst]), job.signal);
    } finally {
      try {
        browser.kill("SIGTERM");
      } catch {
        // already exited
      }
      await exited.catch(() => undefined);
    }
  } finally {
    stop.abort();
    await server.finished;
    await Deno.remove(userDataDir, { recursive: true });
  }
}
