/**
 * A hostile WhiteBIT on 127.0.0.1: a raw TCP server that reads each request
 * (head and `Content-Length` body) and then does whatever the test scripts,
 * byte by byte: answers too much, forever, half an answer, nothing at all.
 *
 * @module
 */

/** One request as the hostile server read it. */
export interface HostileRequest {
  head: string;
  body: string;
}

/** Writes (or withholds) the answer on the raw connection; the server closes it afterwards. */
export type HostileScript = (conn: Deno.Conn, request: HostileRequest) => Promise<void>;

/** A running hostile server. */
export interface HostileServer extends AsyncDisposable {
  url: string;
  /** Every request read so far. */
  requests: HostileRequest[];
  /** Bytes the scripts managed to write so far. */
  written: { bytes: number };
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Serves `script` for every connection on 127.0.0.1 (one request per connection). */
export function hostile(script: HostileScript): HostileServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: HostileRequest[] = [];
  const written = { bytes: 0 };
  const conns = new Set<Deno.Conn>();
  const served: Promise<void>[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      served.push((async () => {
        try {
          const request = await readRequest(conn);
          if (!request) return;
          requests.push(request);
          await script(counting(conn, written), request);
        } catch {
          // the client went away: that is what most scripts provoke
        } finally {
          conns.delete(conn);
          try {
            conn.close();
          } catch {
            // already closed
          }
        }
      })());
    }
  })();
  const close = async () => {
    listener.close();
    for (const conn of conns) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
    await accepting.catch(() => {});
    await Promise.all(served);
  };
  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    written,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Writes a whole HTTP/1.1 answer with a `Content-Length`. */
export async function answer(
  conn: Deno.Conn,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const bytes = encoder.encode(body);
  const lines = Object.entries({
    "content-type": "application/json",
    "content-length": String(bytes.length),
    connection: "close",
    ...headers,
  }).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  await writeAll(conn, encoder.encode(`HTTP/1.1 ${status} X\r\n${lines}\r\n`));
  await writeAll(conn, bytes);
}

/** Writes all of `bytes`. */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) offset += await conn.write(bytes.subarray(offset));
}

function counting(conn: Deno.Conn, written: { bytes: number }): Deno.Conn {
  const write = conn.write.bind(conn);
  conn.write = async (bytes: Uint8Array) => {
    const n = await write(bytes);
    written.bytes += n;
    return n;
  };
  return conn;
}

async function readRequest(conn: Deno.Conn): Promise<HostileRequest | undefined> {
  let data = new Uint8Array(0);
  const buffer = new Uint8Array(16 * 1024);
  let headEnd = -1;
  let length = 0;
  for (;;) {
    if (headEnd < 0) {
      const text = decoder.decode(data);
      const at = text.indexOf("\r\n\r\n");
      if (at >= 0) {
        headEnd = at + 4;
        length = Number(/content-length:\s*(\d+)/i.exec(text.slice(0, at))?.[1] ?? 0);
      }
    }
    if (headEnd >= 0 && data.length >= headEnd + length) {
      return {
        head: decoder.decode(data.subarray(0, headEnd)),
        body: decoder.decode(data.subarray(headEnd, headEnd + length)),
      };
    }
    const n = await conn.read(buffer);
    if (n === null) return undefined;
    const next = new Uint8Array(data.length + n);
    next.set(data);
    next.set(buffer.subarray(0, n), data.length);
    data = next;
  }
}
