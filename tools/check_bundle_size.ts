/**
 * Prints the size of the client bundle (`deno bundle --minify mod.ts`),
 * minified and gzipped, against the issue's target of 12 KB, and fails if it
 * grows past the ceiling.
 *
 * The target is not met with the whole fixed-lending surface (measured
 * breakdown in BENCHMARKS.md): invest alone was 11 505 bytes; plans,
 * investments, interest payments, page walking, answer checks, pre-flight,
 * reconciliation and dry run bring it to about 15 300. Until that is decided
 * (a larger budget, or a smaller surface in `mod.ts`), the ceiling is a
 * ratchet: today's size plus a little, so the bundle can only shrink.
 *
 * Run: `deno task check:bundle`
 *
 * @module
 */

import { bundleClient } from "./bundle_client.ts";

/** The issue's target for the minified bundle, in bytes: 12 KB, read strictly as 12 000 bytes. */
const TARGET_BYTES = 12_000;
/**
 * The ratchet: the size this check fails above. 15 500 until the money-safety
 * issue added bounded answer reads, clock healing, truthful read outcomes,
 * bounded waits and reconciliation past 10 000 records: 19 344 bytes
 * measured, plus a little. The restructure issue replaces it by a gzip budget.
 */
const CEILING_BYTES = 19_500;

const dir = await Deno.makeTempDir({ prefix: "whitebit-bundle-" });
try {
  const bundle = await bundleClient(`${dir}/mod.js`);
  const gzipped = await new Response(
    new Blob([bundle]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer();
  const share = (bundle.length / TARGET_BYTES * 100).toFixed(1);
  console.log(`client bundle (deno bundle --minify mod.ts): ${bundle.length} bytes minified`);
  console.log(`client bundle gzipped: ${gzipped.byteLength} bytes`);
  console.log(
    `target: ${TARGET_BYTES} bytes minified: ${
      bundle.length <= TARGET_BYTES ? "met" : `MISSED (${share}% of it)`
    }`,
  );
  console.log(`ceiling (no growth): ${CEILING_BYTES} bytes`);
  if (bundle.length > CEILING_BYTES) {
    console.error(
      `FAILED: the bundle grew ${bundle.length - CEILING_BYTES} bytes past the ceiling`,
    );
    Deno.exitCode = 1;
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
