/**
 * Shared by the secret-leak tests: every way a value can end up printed, and
 * a check that none of them holds a secret.
 *
 * @module
 */

import { ok } from "node:assert/strict";

/** Every printable view of a value: as text, as JSON, inspected, and an error's stack and cause. */
export function views(value: unknown): string[] {
  return [
    String(value),
    JSON.stringify(value) ?? "",
    Deno.inspect(value, { depth: 10, showHidden: true, getters: true }),
    value instanceof Error ? `${value.stack}\n${Deno.inspect(value.cause, { depth: 10 })}` : "",
  ];
}

/** Fails if `text` contains any of `secrets`; says which one and where, without printing it. */
export function assertNoSecrets(text: string, secrets: Record<string, string>, where: string) {
  for (const [name, secret] of Object.entries(secrets)) {
    ok(!text.includes(secret), `${name} leaked through ${where}`);
  }
}
