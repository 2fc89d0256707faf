/**
 * Type-checks every TypeScript block of README.md, including the ones marked
 * `ignore` (such as the quick start, which needs real credentials and must
 * not run): `deno test --doc` runs the others, and skips these entirely.
 *
 * Run: `deno task check:readme`
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);
const IGNORED_FENCE = /^```(ts|typescript) ignore$/gm;

const readme = await Deno.readTextFile(new URL("README.md", ROOT));
const ignored = readme.match(IGNORED_FENCE)?.length ?? 0;
const dir = await Deno.makeTempDir({ prefix: "whitebit-readme-" });
try {
  const copy = `${dir}/README.md`;
  await Deno.writeTextFile(copy, readme.replace(IGNORED_FENCE, "```$1"));
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", "--doc-only", "--config", "deno.json", copy],
    cwd: ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.error(
      "FAILED: a README.md code block does not type-check (see above)",
    );
    Deno.exitCode = 1;
  } else {
    console.log(
      `README.md: every ts block type-checks (${ignored} of them marked ignore, not run)`,
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
