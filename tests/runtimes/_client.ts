// What the runtime matrix loads on every runtime: the client (mod.ts) and
// the signing primitives (sign.ts, its own entry point since 0.2.0), which
// the scenario signs WhiteBIT's published vector with. Bundled by harness.ts
// as mod.js; the bundle-size check measures mod.ts alone.

export * from "../../mod.ts";
export { importApiSecret, signBody } from "../../sign.ts";
