/**
 * Reads a route's parameters from where its table line says (the query
 * string, a JSON object body, or the path) and checks each with the rule
 * of the client's endpoint table, so the server refuses exactly what the
 * client would, and refuses unknown and repeated ones too, before anything
 * reaches WhiteBIT. Every refusal is a problem with `fieldErrors`.
 *
 * @example
 * ```ts
 * import { readParams } from "./_params.ts";
 * import { ROUTES } from "./_routes.ts";
 * import { Hono } from "hono";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const plans = ROUTES.find((route) => route.endpoint === "plans")!;
 * const app = new Hono();
 * app.get(plans.path, async (c) => c.json(await readParams(c, plans)));
 * const read = async (query: string) =>
 *   await (await app.fetch(new Request(`http://localhost/v1/plans${query}`))).json();
 * deepStrictEqual(await read("?ticker=USDT"), { params: { ticker: "USDT" }, canonical: "" });
 * deepStrictEqual(Object.keys((await read("?limit=5")).problem.fieldErrors), ["limit"]);
 * ```
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Endpoint } from "../client/_endpoints.ts";
import { isRecord } from "../client/_validate.ts";
import { answer, type ServerEnv } from "./_answer.ts";
import { type Problem, problem } from "./_problem.ts";
import { type Route, SERVED_ENDPOINTS } from "./_routes.ts";

/** A route's checked parameters, and their canonical form for an `Idempotency-Key` fingerprint. */
export interface Params {
  /** The parameters to pass to the client. */
  params: Record<string, unknown>;
  /** The body as the fingerprint holds it: the parameters' JSON for a body route, else `""`. */
  canonical: string;
}

/** The largest body read, in bytes. */
const BODY_LIMIT = 4 * 1024;
const JSON_TYPE = /^application\/json\s*(?:;|$)/i;
/** A query value read as a number, for a parameter whose schema is an integer. */
const WHOLE_NUMBER = /^(?:0|[1-9]\d{0,15})$/;

/** The middleware that answers 413 to a body over 4 KiB, declared or streamed, before it is read. */
export const limitBody: MiddlewareHandler<ServerEnv> = bodyLimit({
  maxSize: BODY_LIMIT,
  onError: (c) => answer(c, problem("payload-too-large", `Send at most ${BODY_LIMIT} bytes.`)),
});

/**
 * The route's parameters, checked by its endpoint's rules, or the problem
 * with them.
 *
 * @param c The request's context.
 * @param route The route.
 * @returns The parameters, or the problem to answer.
 */
export async function readParams(
  c: Context,
  route: Route,
): Promise<Params | { problem: Problem }> {
  const endpoint: Endpoint = SERVED_ENDPOINTS[route.endpoint];
  if (route.from === "query") return fromQuery(c, endpoint);
  if (route.from === "path") {
    const params: Record<string, string> = c.req.param();
    const text = await c.req.text();
    const invalid = checkFields(params, endpoint) ??
      (text.trim() === "" ? undefined : await emptyObject(c, text));
    return invalid ? { problem: invalid } : { params, canonical: "" };
  }
  const parsed = await jsonBody(c);
  if ("problem" in parsed) return parsed;
  const invalid = checkFields(parsed.value, endpoint);
  if (invalid) return { problem: invalid };
  const params = Object.fromEntries(
    Object.keys(endpoint.params)
      .filter((name) => Object.hasOwn(parsed.value, name))
      .map((name) => [name, parsed.value[name]]),
  );
  return { params, canonical: JSON.stringify(params) };
}

/** The query's parameters: unknown or repeated ones refused. */
function fromQuery(c: Context, endpoint: Endpoint): Params | { problem: Problem } {
  // No prototype: `?__proto__=…` or `?constructor=…` is a parameter like any other, and unknown.
  const query: Record<string, unknown> = Object.create(null);
  const repeated: Record<string, string[]> = {};
  const number = (value: string) => WHOLE_NUMBER.test(value) ? Number(value) : value;
  for (const [name, value] of new URL(c.req.url).searchParams) {
    if (Object.hasOwn(query, name)) repeated[name] = ["Give it once."];
    const type = Object.hasOwn(endpoint.params, name) ? endpoint.params[name].schema.type : "";
    // An array of integers (flex's actionTypes) is one comma-separated value: 1,6.
    query[name] = type === "integer"
      ? number(value)
      : type === "array"
      ? value.split(",").map(number)
      : value;
  }
  const invalid = checkFields(query, endpoint, repeated);
  return invalid ? { problem: invalid } : { params: { ...query }, canonical: "" };
}

/** The request's JSON object body, or the problem with it. */
async function jsonBody(
  c: Context,
  text?: string,
): Promise<{ value: Record<string, unknown> } | { problem: Problem }> {
  if (!JSON_TYPE.test(c.req.header("content-type") ?? "")) {
    return { problem: problem("unsupported-media-type", "Send Content-Type: application/json.") };
  }
  text ??= await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      problem: problem("invalid-request", "The body is not valid JSON.", {
        outcome: "not_executed",
      }),
    };
  }
  if (!isRecord(value)) {
    return {
      problem: problem("invalid-request", "The body must be a JSON object.", {
        outcome: "not_executed",
      }),
    };
  }
  // `{"amount":"1","amount":"100"}` parses to one of the two: refused, never guessed.
  const repeated = repeatedKey(text);
  if (repeated !== undefined) {
    return {
      problem: problem("invalid-request", "A field is given twice.", {
        outcome: "not_executed",
        fieldErrors: { [repeated.slice(0, 64)]: ["Give it once."] },
      }),
    };
  }
  return { value };
}

/**
 * The first key that an object of this (valid) JSON text gives twice, with
 * its escapes decoded (`"\u0061mount"` is `amount`), or `undefined`.
 */
function repeatedKey(text: string): string | undefined {
  const objects: (Set<string> | undefined)[] = []; // one entry per open object or array
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const keys = objects.at(-1);
      if (keys && keyNext) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
        keyNext = false;
      }
      i = end;
    } else if (char === "{" || char === "[") {
      objects.push(char === "{" ? new Set() : undefined);
      keyNext = char === "{";
    } else if (char === "}" || char === "]") {
      objects.pop();
    } else if (char === ",") {
      keyNext = objects.at(-1) !== undefined;
    }
  }
}

/** No parameters: what a path route's body may hold. */
const NONE: Pick<Endpoint, "params" | "required"> = { params: {}, required: [] };

/** A path route's optional body: an empty JSON object, or the problem with it. */
async function emptyObject(c: Context, text: string): Promise<Problem | undefined> {
  const parsed = await jsonBody(c, text);
  return "problem" in parsed ? parsed.problem : checkFields(parsed.value, NONE);
}

/**
 * Checks each field with its endpoint's rule, requires the required ones,
 * and refuses unknown ones: only a parameter's own name is known, so
 * `__proto__`, `constructor` or `toString` are unknown fields like any other.
 */
function checkFields(
  value: Record<string, unknown>,
  endpoint: Pick<Endpoint, "params" | "required">,
  fieldErrors: Record<string, string[]> = {},
): Problem | undefined {
  for (const [name, param] of Object.entries(endpoint.params)) {
    try {
      if (!Object.hasOwn(value, name)) {
        if (endpoint.required.includes(name)) {
          throw new TypeError(`Cannot use "${name}": it is required`);
        }
        continue;
      }
      param.check(value[name], name);
    } catch (error) {
      fieldErrors[name] = [(error as Error).message];
    }
  }
  for (const name of Object.keys(value)) {
    if (!Object.hasOwn(endpoint.params, name)) fieldErrors[name] = ["Unknown field."];
  }
  return Object.keys(fieldErrors).length
    ? problem("invalid-request", "Some fields are invalid; nothing was sent to WhiteBIT.", {
      outcome: "not_executed",
      fieldErrors,
    })
    : undefined;
}
