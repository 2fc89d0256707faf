/**
 * Bounded input: a small file, or a stream such as stdin, read as UTF-8 up
 * to 64 KiB, with a message for each way that can fail and never the
 * content in it.
 *
 * @example
 * ```ts
 * import { readBounded } from "./_input.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const stream = new Blob(["\uFEFFWHITEBIT_API_KEY=k"]).stream();
 * strictEqual(await readBounded(stream, "the test input"), "WHITEBIT_API_KEY=k");
 * ```
 *
 * @module
 */

import { UsageError } from "./_errors.ts";

/** The most read from a credentials file or a saved error. */
export const MAX_INPUT_BYTES = 64 * 1024;

/** Why a file could not be opened, by the error's class. */
const UNREADABLE: [new (...args: never[]) => Error, (path: string) => string][] = [
  [Deno.errors.NotFound, () => "it does not exist"],
  [Deno.errors.IsADirectory, () => "it is a directory, not a file"],
  [Deno.errors.PermissionDenied, () => "the system denies reading it (see its owner and mode)"],
  [Deno.errors.NotCapable, (path) => `Deno may not read it: run with --allow-read=${path}`],
];

/**
 * Reads a file of at most 64 KiB, with a message for each way that can fail.
 *
 * @example
 * ```ts
 * import { readSmallFile } from "./_input.ts";
 * import { rejects } from "node:assert/strict";
 *
 * await rejects(readSmallFile("/no/such/file", "the file"), /it does not exist/);
 * ```
 *
 * @param path The file's path.
 * @param what What the file is, for the messages.
 * @returns Its text, and its permission bits (`null` where the system has none).
 * @throws {UsageError} If it cannot be read, is a directory or is too large.
 */
export async function readSmallFile(
  path: string,
  what: string,
): Promise<{ text: string; mode: number | null }> {
  let file: Deno.FsFile;
  let info: Deno.FileInfo;
  try {
    file = await Deno.open(path);
  } catch (error) {
    const why = UNREADABLE.find(([Class]) => error instanceof Class)?.[1](path);
    throw new UsageError(`Cannot read ${what}: ${why ?? (error as Error).name}`);
  }
  try {
    info = await file.stat();
  } catch (error) {
    file.close();
    throw error;
  }
  if (info.isDirectory) {
    file.close();
    throw new UsageError(`Cannot read ${what}: it is a directory, not a file`);
  }
  return { text: await readBounded(file.readable, what), mode: info.mode };
}

/**
 * Reads a file of at most 64 KiB, or stdin for `-`.
 *
 * @example
 * ```ts
 * import { readFileOrStdin } from "./_input.ts";
 * import { rejects } from "node:assert/strict";
 *
 * await rejects(readFileOrStdin("/no/such.json", "saved error"), /saved error "\/no\/such.json"/);
 * ```
 *
 * @param from The file's path, or `-`.
 * @param what What it is, for the messages, such as "saved error".
 * @returns Its text.
 * @throws {UsageError} If it cannot be read, is a directory or is too large.
 */
export async function readFileOrStdin(from: string, what: string): Promise<string> {
  return from === "-"
    ? await readBounded(Deno.stdin.readable, `the ${what} on stdin`)
    : (await readSmallFile(from, `${what} ${JSON.stringify(from)}`)).text;
}

/**
 * Reads a stream as UTF-8 text (without a byte-order mark), refusing more
 * than 64 KiB.
 *
 * @example
 * ```ts
 * import { MAX_INPUT_BYTES, readBounded } from "./_input.ts";
 * import { rejects } from "node:assert/strict";
 *
 * const large = new Blob(["x".repeat(MAX_INPUT_BYTES + 1)]).stream();
 * await rejects(readBounded(large, "stdin"), /it is larger than 65536 bytes/);
 * await rejects(readBounded(new Blob([new Uint8Array([0xff])]).stream(), "stdin"), /not UTF-8/);
 * ```
 *
 * @param stream The bytes.
 * @param what What they are, for the messages.
 * @returns The text.
 * @throws {UsageError} If it is too large or not UTF-8.
 */
export async function readBounded(
  stream: ReadableStream<Uint8Array>,
  what: string,
): Promise<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let text = "";
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += chunk.byteLength;
      if (size > MAX_INPUT_BYTES) {
        throw new UsageError(`Cannot read ${what}: it is larger than ${MAX_INPUT_BYTES} bytes`);
      }
      text += decoder.decode(chunk, { stream: true });
    }
    return text + decoder.decode();
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(`Cannot read ${what}: it is not UTF-8`);
    throw error;
  }
}
