/**
 * Builds the client bundle: `mod.ts` and everything it imports as one
 * minified ES module for browsers and other runtimes (`deno bundle --minify
 * --platform=browser`). The bundle-size check measures it and the runtime
 * matrix runs it on Node, Bun, workerd and Chromium, so both see the same
 * artefact.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);

/**
 * Bundles `mod.ts` into `outFile` with the Deno running this script. Its
 * first run on a machine fetches esbuild from npm.
 *
 * @param outFile Where to write the bundle.
 * @param entry The module to bundle, from the repository root. Default `mod.ts`.
 * @returns The bundle's bytes.
 * @throws {Error} If `deno bundle` fails; the message carries its output.
 */
export async function bundleClient(
  outFile: string,
  entry = "mod.ts",
): Promise<Uint8Array<ArrayBuffer>> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--minify",
      "--platform=browser",
      "--format=esm",
      "--output",
      outFile,
      entry,
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `Cannot bundle ${entry}: deno bundle exited with ${code}:\n${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
  return await Deno.readFile(outFile);
}
