/**
 * Review (hostile): contracts the issues set. Fails on `review` as it stands.
 */
import { ok } from "node:assert/strict";

const MOD = new URL("../../mod.ts", import.meta.url).pathname;

// Issue 10 §2: "at most 40 root exports"; CHANGELOG: "56 exports → 40" and
// "The root's exports are unchanged (40)"; README layout: "the root export
// (40 names)". Counted as the issue says, with `deno doc --json mod.ts`.
Deno.test("review: mod.ts exports at most 40 names (deno doc --json)", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", MOD],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  ok(code === 0, new TextDecoder().decode(stderr));
  const doc = JSON.parse(new TextDecoder().decode(stdout)) as {
    nodes: Record<string, { symbols: { name: string }[] }>;
  };
  const names = new Set(
    Object.values(doc.nodes).flatMap((node) => node.symbols.map((s) => s.name)),
  );
  ok(names.size <= 40, `${names.size} root exports: ${[...names].sort().join(", ")}`);
});
