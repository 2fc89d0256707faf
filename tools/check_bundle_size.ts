/**
 * Prints the size of the client bundle (`deno bundle --minify mod.ts`),
 * minified and gzipped, and fails if the minified bundle is over budget.
 *
 * Run: `deno task check:bundle`
 *
 * @module
 */

import { bundleClient } from "./bundle_client.ts";

/** The budget for the minified bundle, in bytes: 12 KB, read strictly as 12 000 bytes. */
const BUDGET_BYTES = 12_000;

const dir = await Deno.makeTempDir({ prefix: "whitebit-bundle-" });
try {
  const bundle = await bundleClient(`${dir}/mod.js`);
  const gzipped = await new Response(
    new Blob([bundle]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer();
  const share = (bundle.length / BUDGET_BYTES * 100).toFixed(1);
  console.log(`client bundle (deno bundle --minify mod.ts): ${bundle.length} bytes minified`);
  console.log(`client bundle gzipped: ${gzipped.byteLength} bytes`);
  console.log(`budget: ${BUDGET_BYTES} bytes minified; used ${share}%`);
  if (bundle.length > BUDGET_BYTES) {
    console.error(`FAILED: the bundle is ${bundle.length - BUDGET_BYTES} bytes over budget`);
    Deno.exitCode = 1;
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
