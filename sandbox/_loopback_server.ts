/**
 * A small HTTP/1.1 server for the sandbox, on Deno's TCP listener. It exists
 * because `Deno.serve` cannot do one thing the sandbox must: read a request,
 * act on it, then close the connection without answering, as a failing
 * network does. It keeps connections alive like a real server, so clients'
 * connection reuse is exercised too.
 *
 * @example
 * ```ts
 * import { serveLoopback } from "./_loopback_server.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * await using server = serveLoopback((request) => Promise.resolve(new Response(request.method)));
 * const response = await fetch(server.url, { method: "POST", body: "x" });
 * strictEqual(await response.text(), "POST");
 * ```
 *
 * @module
 */

/** Answers a request; `null` closes the connection without an answer. */
export type LoopbackHandler = (request: Request) => Promise<Response | null>;

/**
 * A running loopback server.
 *
 * @example
 * ```ts
 * import { type LoopbackServer, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { ok } from "node:assert/strict";
 *
 * const server: LoopbackServer = new WhiteBitSandbox().listen();
 * ok(server.url.startsWith("http://127.0.0.1:"));
 * await server.close();
 * ```
 */
export interface LoopbackServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Stops listening, closes every connection and waits for them to end. */
  close(): Promise<void>;
}

/** Options of {@linkcode serveLoopback}. */
export interface LoopbackOptions {
  /** The port; 0 (default) picks a free one. */
  port?: number;
}

const CRLF_CRLF = [13, 10, 13, 10];
const MAX_HEAD = 64 * 1024;
const MAX_BODY = 16 * 1024 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Serves `handler` on 127.0.0.1 over HTTP/1.1 with keep-alive.
 *
 * @example
 * ```ts
 * import { serveLoopback } from "./_loopback_server.ts";
 * import { rejects } from "node:assert/strict";
 *
 * await using server = serveLoopback(() => Promise.resolve(null));
 * await rejects(fetch(server.url), TypeError); // closed without an answer
 * ```
 *
 * @param handler Answers each request.
 * @param options The port.
 * @returns The server's URL and a `close` function.
 */
export function serveLoopback(
  handler: LoopbackHandler,
  options: LoopbackOptions = {},
): LoopbackServer {
  const listener = Deno.listen({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
  });
  const { port } = listener.addr as Deno.NetAddr;
  const url = `http://127.0.0.1:${port}`;
  const connections = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  const accepting = (async () => {
    try {
      for await (const connection of listener) {
        connections.add(connection);
        const task = serveConnection(connection, url, handler).finally(() => {
          connections.delete(connection);
          tasks.delete(task);
        });
        tasks.add(task);
      }
    } catch {
      // The listener was closed.
    }
  })();
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      listener.close();
      await accepting;
      for (const connection of connections) closeQuietly(connection);
      await Promise.allSettled(tasks);
    })();
  return { url, close, [Symbol.asyncDispose]: close };
}

async function serveConnection(
  connection: Deno.Conn,
  origin: string,
  handler: LoopbackHandler,
): Promise<void> {
  const reader = new ByteReader(connection);
  try {
    while (true) {
      const head = await reader.readUntil(CRLF_CRLF, MAX_HEAD);
      if (head === null) return;
      const [requestLine, ...lines] = decoder.decode(head).split("\r\n");
      const [method, target, version] = requestLine.split(" ");
      const headers = new Headers();
      for (const line of lines) {
        const colon = line.indexOf(":");
        if (colon > 0) {
          headers.append(
            line.slice(0, colon).trim(),
            line.slice(colon + 1).trim(),
          );
        }
      }
      const body = await readBody(reader, headers);
      if (body === null) return;
      const request = new Request(origin + target, {
        method,
        headers,
        body: method === "GET" || method === "HEAD" ? undefined : body,
      });
      const response = await handler(request);
      if (response === null) return;
      const keepAlive = version === "HTTP/1.1" &&
        headers.get("connection")?.toLowerCase() !== "close";
      await writeResponse(connection, response, keepAlive);
      if (!keepAlive) return;
    }
  } catch {
    // A reset or a malformed request ends the connection.
  } finally {
    closeQuietly(connection);
  }
}

async function readBody(
  reader: ByteReader,
  headers: Headers,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (headers.get("transfer-encoding")?.toLowerCase().includes("chunked")) {
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (true) {
      const sizeLine = await reader.readUntil([13, 10], MAX_HEAD);
      if (sizeLine === null) return null;
      const size = parseInt(decoder.decode(sizeLine), 16);
      if (!(size >= 0) || (total += size) > MAX_BODY) {
        throw new RangeError("bad chunk");
      }
      if (size === 0) {
        while ((await reader.readUntil([13, 10], MAX_HEAD))?.length) {
          // trailers
        }
        return concat(chunks, total);
      }
      const chunk = await reader.readExactly(size + 2);
      if (chunk === null) return null;
      chunks.push(chunk.subarray(0, size));
    }
  }
  const length = Number(headers.get("content-length") ?? 0);
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_BODY) {
    throw new RangeError("bad length");
  }
  return await reader.readExactly(length);
}

async function writeResponse(
  connection: Deno.Conn,
  response: Response,
  keepAlive: boolean,
): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  let head = `HTTP/1.1 ${response.status} ${response.statusText || "Status"}\r\n`;
  for (const [name, value] of response.headers) {
    if (
      name !== "content-length" && name !== "transfer-encoding" &&
      name !== "connection"
    ) {
      head += `${name}: ${value}\r\n`;
    }
  }
  head += `content-length: ${body.length}\r\nconnection: ${
    keepAlive ? "keep-alive" : "close"
  }\r\n\r\n`;
  await writeAll(connection, concat([encoder.encode(head), body], -1));
}

async function writeAll(
  connection: Deno.Conn,
  bytes: Uint8Array,
): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    written += await connection.write(bytes.subarray(written));
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(
    total >= 0 ? total : parts.reduce((sum, part) => sum + part.length, 0),
  );
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function closeQuietly(connection: Deno.Conn): void {
  try {
    connection.close();
  } catch {
    // Already closed.
  }
}

/** Buffered reads from a connection. */
class ByteReader {
  #connection: Deno.Conn;
  #buffer: Uint8Array<ArrayBuffer> = new Uint8Array(0);

  constructor(connection: Deno.Conn) {
    this.#connection = connection;
  }

  /** Bytes up to `delimiter` (dropped), or `null` if the peer closed first. */
  async readUntil(
    delimiter: number[],
    limit: number,
  ): Promise<Uint8Array<ArrayBuffer> | null> {
    let from = 0;
    while (true) {
      const index = indexOf(this.#buffer, delimiter, from);
      if (index >= 0) {
        const found = this.#buffer.subarray(0, index);
        this.#buffer = this.#buffer.subarray(index + delimiter.length);
        return found;
      }
      if (this.#buffer.length > limit) throw new RangeError("line too long");
      from = Math.max(0, this.#buffer.length - delimiter.length + 1);
      if (!await this.#fill()) return null;
    }
  }

  /** Exactly `length` bytes, or `null` if the peer closed first. */
  async readExactly(length: number): Promise<Uint8Array<ArrayBuffer> | null> {
    while (this.#buffer.length < length) {
      if (!await this.#fill()) return null;
    }
    const found = this.#buffer.slice(0, length);
    this.#buffer = this.#buffer.subarray(length);
    return found;
  }

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const read = await this.#connection.read(chunk);
    if (read === null) return false;
    this.#buffer = concat(
      [this.#buffer, chunk.subarray(0, read)],
      this.#buffer.length + read,
    );
    return true;
  }
}

function indexOf(haystack: Uint8Array, needle: number[], from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}
