/**
 * The client bundle's size: the gzip of the minified `mod.ts` bundle
 * (`deno bundle --minify`, what a browser or an edge function ships),
 * against the restructure issue's budget (≤ 7 KB for fixed lending alone,
 * ≤ 9 KB once flex lending is in, read strictly as 7,000 and 9,000 bytes),
 * and the ratio to ccxt's WhiteBIT bundled the same way.
 *
 * The budget is not met: the money-safety work (bounded reads and waits,
 * healing clocks, truthful outcomes), nonce lanes and audit events came
 * after it was set, and a diet of messages moved it by tens of bytes, not
 * the 1.4 KB missing (BENCHMARKS.md). Until that is decided the check fails
 * above a ceiling, today's size plus a little, so the bundle cannot grow.
 *
 * Run: `deno task check:bundle`
 *
 * @module
 */

import { bundleClient } from "./bundle_client.ts";

/** The budget for the gzipped bundle, in bytes: flex lending in, or fixed lending alone. */
const BUDGET_BYTES = { fixed: 7_000, flex: 9_000 };

/**
 * ccxt 4.5.84's WhiteBIT through its public entry, bundled and gzipped the
 * same way by `bench/bundle_size.ts` (BENCHMARKS.md): the reference, since
 * CI does not install ccxt.
 */
const CCXT_GZIP_BYTES = 1_502_961;

/**
 * The ceiling this check fails above: 10,432 bytes measured with flex in,
 * plus 1.5%; raised by 100 bytes for what the server's fleet work needs of
 * the client (issue 12: a call's own `onEvent` and `beforeSend`, and every
 * reconciliation candidate rather than the closest only), measured at 10,658; 10,662 once
 * `beforeSend` is given the nonce (review 2); 10,675 with the client's `timeoutMs` (review 3).
 */
const CEILING_BYTES = 10_700;

const ROOT = new URL("../", import.meta.url);
const withFlex = await Deno.stat(new URL("client/flex/", ROOT)).then(
  () => true,
  () => false,
);
const budget = withFlex ? BUDGET_BYTES.flex : BUDGET_BYTES.fixed;

const dir = await Deno.makeTempDir({ prefix: "whitebit-bundle-" });
try {
  const bundle = await bundleClient(`${dir}/mod.js`);
  const gzipped = (await new Response(
    new Blob([bundle]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer()).byteLength;
  console.log(
    `client bundle (deno bundle --minify mod.ts): ${bundle.length} bytes minified`,
  );
  console.log(`client bundle gzipped: ${gzipped} bytes`);
  console.log(
    `budget (${withFlex ? "fixed and flex lending" : "fixed lending"}): ${budget} bytes gzipped: ${
      gzipped <= budget ? "met" : "MISSED"
    } (${(gzipped / budget * 100).toFixed(1)}% of it)`,
  );
  console.log(
    `ccxt's WhiteBIT bundle, gzipped (${CCXT_GZIP_BYTES} bytes) / ours: ${
      (CCXT_GZIP_BYTES / gzipped).toFixed(0)
    }×`,
  );
  console.log(`ceiling (no growth): ${CEILING_BYTES} bytes gzipped`);
  if (gzipped > CEILING_BYTES) {
    console.error(
      `FAILED: the bundle grew ${gzipped - CEILING_BYTES} bytes past the ceiling`,
    );
    Deno.exitCode = 1;
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
