/**
 * Bearer tokens: the middleware that lets a request through only with
 * `Authorization: Bearer <token>` for one of the app's tokens, each
 * compared in constant time (every token, whichever matches), and answers
 * anything else 401 with `WWW-Authenticate`.
 *
 * @example
 * ```ts
 * import { bearerAuth } from "./_auth.ts";
 * import { Hono } from "hono";
 * import { strictEqual } from "node:assert/strict";
 *
 * const app = new Hono();
 * app.use(bearerAuth(["current", "previous"]));
 * app.get("/", (c) => c.text("in"));
 * const get = (authorization: string) =>
 *   app.fetch(new Request("http://localhost/", { headers: { authorization } }));
 * strictEqual((await get("Bearer previous")).status, 200);
 * strictEqual((await get("Bearer other")).status, 401);
 * ```
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import { answer, type ServerEnv } from "./_answer.ts";
import { problem } from "./_problem.ts";
import { timingSafeEqual } from "./_timing_safe_equal.ts";

const BEARER = /^Bearer ([\x21-\x7e]{1,1024})$/i;
const encoder = new TextEncoder();

/**
 * Whether a caller could send `token` as `Authorization: Bearer <token>`.
 *
 * @param token A token, trimmed.
 * @returns `true` for 1 to 1024 visible ASCII characters.
 */
export function isBearerToken(token: string): boolean {
  return BEARER.test(`Bearer ${token}`);
}

/**
 * The middleware that requires one of `tokens`.
 *
 * @param tokens The accepted tokens, each one {@linkcode isBearerToken}.
 * @returns The middleware.
 */
export function bearerAuth(tokens: readonly string[]): MiddlewareHandler<ServerEnv> {
  const known = tokens.map((token) => encoder.encode(token));
  return async (c, next) => {
    const match = BEARER.exec(c.req.header("authorization") ?? "");
    const presented = encoder.encode(match?.[1] ?? "");
    let found = false;
    for (const token of known) found = timingSafeEqual(presented, token) || found;
    if (!match || !found) {
      return answer(c, problem("unauthorized", "Send Authorization: Bearer <token>."));
    }
    await next();
  };
}
