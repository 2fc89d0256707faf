/**
 * Computes JSR's score items for this package locally, the way jsr.io's API
 * computes them at publish time (jsr-io/jsr: `generate_score` and
 * `ApiPackageScore`), prints each one, and fails below full marks. It also
 * checks this project's stricter rules: an `@example` in every entry point's
 * module doc and on every exported symbol, `deno doc --lint` clean, and no
 * runtime claimed without a runtime-matrix row.
 *
 * JSR adds up 18 points, divides by 17 and caps at 100%: the 17 points
 * computed here are full marks, and "has provenance" (1 point, earned only by
 * publishing from GitHub Actions) is shown but not needed. The description
 * and the compatible runtimes are package settings on jsr.io: this reads
 * them from deno.json and tools/jsr_package_settings.json, which say what to
 * set there.
 *
 * Run: `deno task check:score`
 *
 * @module
 */

import { RUNTIMES } from "../tests/runtimes/rows.ts";

interface JsDoc {
  doc?: string;
  tags?: { kind: string }[];
}
interface DocJson {
  nodes: Record<string, {
    module_doc?: JsDoc;
    symbols: {
      name: string;
      declarations: { declarationKind: string; jsDoc?: JsDoc }[];
    }[];
  }>;
}
interface Item {
  name: string;
  points: number;
  max: number;
  detail: string;
}

const ROOT = new URL("../", import.meta.url);
const RUNTIME_KEYS = ["browser", "deno", "node", "workerd", "bun"] as const;

async function deno(args: string[]): Promise<{ ok: boolean; output: string }> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return {
    ok: success,
    output: decoder.decode(stdout) + decoder.decode(stderr),
  };
}

function hasExample(doc: JsDoc | undefined): boolean {
  return doc?.tags?.some((tag) => tag.kind === "example") ?? false;
}

const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
const settings = JSON.parse(
  await Deno.readTextFile(new URL("tools/jsr_package_settings.json", ROOT)),
);
const entries: string[] = Object.values<string>(config.exports);
const mainEntry = new URL(config.exports["."], ROOT).href;

const publish = await deno(["publish", "--dry-run", "--allow-dirty"]);
const published = [...publish.output.matchAll(/^\s+(file:\/\/\S+)/gm)]
  .map(([, url]) => url.slice(ROOT.href.length));
const readme = published.find((path) => /^readme(\.md|\.txt|\.markdown)?$/i.test(path));
const readmeText = readme ? await Deno.readTextFile(new URL(readme, ROOT)) : "";

const docs: DocJson = JSON.parse(
  (await deno(["doc", "--json", ...entries])).output,
);
const modules = Object.entries(docs.nodes);
const mainDoc = docs.nodes[mainEntry]?.module_doc;
const symbols = modules.flatMap(([url, module]) =>
  module.symbols.flatMap((symbol) =>
    symbol.declarations
      .filter((declaration) => declaration.declarationKind !== "private")
      .map((declaration) => ({
        url,
        name: symbol.name,
        jsDoc: declaration.jsDoc,
      }))
  )
);
const documented = symbols.filter(({ jsDoc }) => jsDoc?.doc || jsDoc?.tags?.length);
const share = symbols.length === 0 ? 1 : documented.length / symbols.length;
const withoutModuleDoc = modules.filter(([, module]) => !module.module_doc).map(
  ([url]) => url,
);
const compatible = RUNTIME_KEYS.filter((key) => settings.runtimeCompat?.[key] === true);

const items: Item[] = [
  {
    name: "has a README or module doc",
    max: 2,
    points: readme || mainDoc?.doc ? 2 : 0,
    detail: readme ? `${readme} is published` : "no README published, no module doc on .",
  },
  {
    name: "has examples in the README or module doc",
    max: 1,
    points: readmeText.includes("```") || mainDoc?.doc?.includes("```") ||
        hasExample(mainDoc)
      ? 1
      : 0,
    detail: "a code block in the README, or an example in the main module doc",
  },
  {
    name: "has module docs in all entrypoints",
    max: 1,
    points: withoutModuleDoc.length === 0 ? 1 : 0,
    detail: withoutModuleDoc.length === 0
      ? `${entries.join(", ")}`
      : `missing: ${withoutModuleDoc.join(", ")}`,
  },
  {
    name: "has docs for most symbols",
    max: 5,
    points: Math.floor(Math.min(share / 0.8, 1) * 5),
    detail: `${documented.length}/${symbols.length} exported symbols documented (${
      (share * 100).toFixed(0)
    }%; 80% earns all 5 points)`,
  },
  {
    name: "no slow types are used",
    max: 5,
    points: publish.ok ? 5 : 0,
    detail: publish.ok
      ? "deno publish --dry-run passed its slow-type check"
      : publish.output.trim(),
  },
  {
    name: "has a description",
    max: 1,
    points: typeof config.description === "string" && config.description.trim() ? 1 : 0,
    detail: "deno.json description (set the same text in JSR's package settings)",
  },
  {
    name: "at least one runtime is marked as compatible",
    max: 1,
    points: compatible.length >= 1 ? 1 : 0,
    detail: `tools/jsr_package_settings.json: ${compatible.join(", ") || "none"}`,
  },
  {
    name: "at least two runtimes are marked as compatible",
    max: 1,
    points: compatible.length >= 2 ? 1 : 0,
    detail: `${compatible.length} marked`,
  },
];

const unproven = compatible.filter((key) => !RUNTIMES.some((row) => row.jsr === key));
const withoutExample = symbols.filter(({ jsDoc }) => !hasExample(jsDoc));
const withoutModuleExample = modules.filter(([, module]) => !hasExample(module.module_doc));
const docLint = await deno(["doc", "--lint", ...entries]);
const rules = [
  {
    name: "every entry point's @module doc has an @example",
    ok: withoutModuleExample.length === 0,
    detail: withoutModuleExample.length === 0
      ? entries.join(", ")
      : `missing in ${withoutModuleExample.map(([url]) => url).join(", ")}`,
  },
  {
    name: "every exported symbol has an @example",
    ok: withoutExample.length === 0,
    detail: `${symbols.length - withoutExample.length}/${symbols.length}` +
      withoutExample.map(({ name }) => ` ${name}`).join(","),
  },
  {
    name: "deno doc --lint is clean on every entry point",
    ok: docLint.ok,
    detail: docLint.ok ? entries.join(" ") : docLint.output.trim(),
  },
  {
    name: "every runtime marked compatible has a runtime-matrix row",
    ok: unproven.length === 0,
    detail: unproven.length === 0 ? "tests/runtimes/rows.ts" : `no row for ${unproven.join(", ")}`,
  },
];

console.log("JSR score items, computed as jsr.io computes them:");
for (const item of items) {
  const mark = item.points === item.max ? "ok  " : "FAIL";
  console.log(
    `  ${mark} ${item.points}/${item.max}  ${item.name}: ${item.detail}`,
  );
}
console.log(
  "  n/a  -/1  has provenance: only a publish from GitHub Actions earns it",
);
const total = items.reduce((sum, item) => sum + item.points, 0);
const max = items.reduce((sum, item) => sum + item.max, 0);
console.log(
  `score: ${total}/${max} = ${Math.min(Math.floor(total * 100 / 17), 100)}% on JSR`,
);
console.log("Project rules:");
for (const rule of rules) {
  console.log(`  ${rule.ok ? "ok  " : "FAIL"} ${rule.name}: ${rule.detail}`);
}
if (total < max || rules.some((rule) => !rule.ok)) {
  console.error("FAILED: below full marks");
  Deno.exitCode = 1;
}
