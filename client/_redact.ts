/**
 * Shows a signed request without what must never leave: the signature is
 * replaced and the API key cut to its first four characters. The payload is
 * only the base64 of the body, so it stays.
 *
 * @example
 * ```ts
 * import { redactHeaders } from "./_redact.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(
 *   redactHeaders({ "X-TXC-APIKEY": "4f2a9c0d1e", "X-TXC-SIGNATURE": "81d08e85" }),
 *   { "x-txc-apikey": "4f2a…", "x-txc-signature": "[redacted]" },
 * );
 * ```
 *
 * @module
 */

/**
 * Copies request headers with the signature and most of the API key hidden.
 *
 * @example
 * ```ts
 * import { redactHeaders } from "./_redact.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const shown = redactHeaders(new Headers({ "X-TXC-SIGNATURE": "ab12" }));
 * strictEqual(shown["x-txc-signature"], "[redacted]");
 * ```
 *
 * @param headers The headers as given to `fetch`.
 * @returns Lower-case header names mapped to printable values.
 */
export function redactHeaders(headers: HeadersInit | undefined): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [name, value] of new Headers(headers)) {
    if (name === "x-txc-signature") shown[name] = "[redacted]";
    else if (name === "x-txc-apikey") shown[name] = value.slice(0, 4) + "…";
    else shown[name] = value;
  }
  return shown;
}
