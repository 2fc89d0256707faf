/**
 * Bundle size: `deno bundle --minify` of our `mod.ts`, against ccxt 4.5.84's
 * WhiteBIT bundled the same way, two ways: through ccxt's public entry
 * (`export { whitebit } from "ccxt"`, which is how an application imports
 * it, and which pulls every exchange in) and straight from its
 * `js/src/whitebit.js` (the least of ccxt an application could bundle).
 * ccxt's optional `protobufjs` (not installed) is left external. Sizes in
 * bytes, raw and gzipped (`CompressionStream`).
 *
 * Target: ours ≤ 9 KB gzipped with flex lending (9 000 bytes; 7 000 for fixed
 * lending alone), the budget `deno task check:bundle` reports too.
 *
 * @module
 */

import { fmt, verdict } from "./_stats.ts";

const root = new URL("../", import.meta.url).pathname;
const bench = new URL("./", import.meta.url).pathname;

/** Bundles `entry` (run in `cwd`) minified, for Deno (the default platform). */
async function bundle(
  cwd: string,
  entry: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const out = await Deno.makeTempFile({ suffix: ".js" });
  try {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--minify",
        "--external=protobufjs/*",
        "-o",
        out,
        entry,
      ],
      cwd,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(
        `Cannot bundle ${entry}: ${new TextDecoder().decode(stderr)}`,
      );
    }
    return await Deno.readFile(out);
  } finally {
    await Deno.remove(out);
  }
}

async function gzipSize(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(stream).arrayBuffer()).byteLength;
}

// ccxt's entries must sit under bench/ to find bench/node_modules.
const entries = await Deno.makeTempDir({ dir: bench, prefix: ".bundle-" });
const sizes: Record<string, { raw: number; gzip: number }> = {};
try {
  await Deno.writeTextFile(
    `${entries}/public.js`,
    'export { whitebit } from "ccxt";\n',
  );
  await Deno.writeTextFile(
    `${entries}/deep.js`,
    'export { default } from "../node_modules/ccxt/js/src/whitebit.js";\n',
  );
  const cases: [string, string, string][] = [
    ["ours mod.ts", root, "mod.ts"],
    ['ccxt `export { whitebit } from "ccxt"`', bench, `${entries}/public.js`],
    ["ccxt js/src/whitebit.js only", bench, `${entries}/deep.js`],
  ];
  for (const [name, cwd, entry] of cases) {
    const bytes = await bundle(cwd, entry);
    sizes[name] = { raw: bytes.byteLength, gzip: await gzipSize(bytes) };
  }
} finally {
  await Deno.remove(entries, { recursive: true });
}

console.log("\nBundle size (deno bundle --minify)");
for (const [name, { raw, gzip }] of Object.entries(sizes)) {
  console.log(
    `  ${name.padEnd(40)} ${String(raw).padStart(9)} bytes   gzip ${gzip} bytes`,
  );
}
const ours = sizes["ours mod.ts"].gzip;
console.log("\nRatios (gzipped):");
console.log(
  "  " + verdict("ours, gzipped", ours / 1000, { op: "≤", bound: 9, unit: " KB" }),
);
for (
  const name of Object.keys(sizes).filter((name) => name.startsWith("ccxt"))
) {
  console.log(`  ${name} / ours: ${fmt(sizes[name].gzip / ours)}×`);
}
