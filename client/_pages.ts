/**
 * Walks a paged history, a page of `limit` at a time from `offset`, as far
 * as WhiteBIT serves (offset 10 000): the last page's offset is pulled back
 * to 10 000 and the records seen already are skipped.
 *
 * @example
 * ```ts
 * import { walk } from "./_pages.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const history = [1, 2, 3, 4, 5];
 * const records = [];
 * for await (
 *   const record of walk(({ limit, offset }) =>
 *     Promise.resolve({ limit, offset, records: history.slice(offset, offset + limit) }), { limit: 2 })
 * ) records.push(record);
 * deepStrictEqual(records, history);
 * ```
 *
 * @module
 */

import { MAX_LIMIT, MAX_OFFSET } from "./_paths.ts";
import type { Page } from "./types.ts";

/**
 * Yields every record of the history from `start.offset` on.
 *
 * @throws {RangeError} While walking, if the history goes on past offset 10 000.
 */
export async function* walk<T>(
  readPage: (page: { limit: number; offset: number }) => Promise<Pick<Page<T>, "records">>,
  start: { limit?: number; offset?: number },
): AsyncGenerator<T, void, undefined> {
  const limit = start.limit ?? MAX_LIMIT;
  let offset = start.offset ?? 0;
  let seen = 0;
  for (;;) {
    const { records } = await readPage({ limit, offset });
    yield* records.slice(seen);
    if (records.length < limit) return;
    if (offset === MAX_OFFSET) {
      throw new RangeError(
        `Cannot read past offset ${MAX_OFFSET}: WhiteBIT serves no more of this history (narrow it with filters)`,
      );
    }
    seen = Math.max(0, offset + limit - MAX_OFFSET);
    offset = Math.min(offset + limit, MAX_OFFSET);
  }
}
