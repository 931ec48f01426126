import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { RawBody, type Reply, type RequestInfo } from "./handler.js";

type Encoding = "br" | "gzip";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
/** Smaller bodies gain too little from compression to be worth it. */
const MIN_BYTES = 1024;

/**
 * Compresses on libuv's thread pool, never on the event loop. A file served many times is worth
 * the slower, smaller brotli; a page made for one request is not.
 */
function compress(body: Buffer, encoding: Encoding, kept: boolean): Promise<Buffer> {
  if (encoding === "gzip") return gzipAsync(body, { level: kept ? 9 : 6 });
  return brotli(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: kept ? 9 : 4,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/** brotli, else gzip, when the request accepts it (a `q=0` refuses it); otherwise none. */
export function chooseEncoding(acceptEncoding: string): Encoding | undefined {
  const accepted = new Map(
    acceptEncoding
      .split(",")
      .map((part) => part.trim().split(";"))
      .map(([name, ...params]) => {
        const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
        return [name!.toLowerCase(), q === undefined ? 1 : Number(q)] as const;
      }),
  );
  const takes = (name: Encoding) => (accepted.get(name) ?? accepted.get("*") ?? 0) > 0;
  return takes("br") ? "br" : takes("gzip") ? "gzip" : undefined;
}

const kept = new WeakMap<Buffer, Map<Encoding, Promise<Buffer>>>();

/** A file's compressed body, made once per encoding for as long as the file is held. */
function compressedOnce(body: Buffer, encoding: Encoding): Promise<Buffer> {
  const encodings = kept.get(body) ?? new Map<Encoding, Promise<Buffer>>();
  kept.set(body, encodings);
  let encoded = encodings.get(encoding);
  if (!encoded) {
    encoded = compress(body, encoding, true);
    encoded.catch(() => encodings.delete(encoding));
    encodings.set(encoding, encoded);
  }
  return encoded;
}

async function encoded(
  req: RequestInfo,
  body: Buffer,
  keep: boolean,
): Promise<{ data: Buffer; headers: Record<string, string> }> {
  const encoding =
    body.length >= MIN_BYTES ? chooseEncoding(req.headers.acceptEncoding) : undefined;
  if (!encoding) return { data: body, headers: { Vary: "Accept-Encoding" } };
  const data = keep ? await compressedOnce(body, encoding) : await compress(body, encoding, false);
  return { data, headers: { Vary: "Accept-Encoding", "Content-Encoding": encoding } };
}

export interface StaticFile {
  contentType: string;
  body: Buffer;
  /** A hash of the body: its ETag. */
  hash: string;
}

/**
 * A file the server holds in memory, compressed as the client accepts, with an ETag for
 * revalidation. `immutable` files (asked for by a versioned URL, or named by their content) are
 * cached for good.
 */
export async function fileReply(
  req: RequestInfo,
  file: StaticFile,
  immutable: boolean,
): Promise<Reply> {
  const etag = `W/"${file.hash}"`;
  const headers = {
    ETag: etag,
    "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    "X-Content-Type-Options": "nosniff",
  };
  if (req.headers.ifNoneMatch.split(",").some((tag) => tag.trim() === etag)) {
    return { status: 304, body: null, headers };
  }
  const body = await encoded(req, file.body, true);
  return {
    status: 200,
    body: new RawBody(file.contentType, body.data),
    headers: { ...headers, ...body.headers },
  };
}

/** A page made for this request, compressed when the client accepts it. */
export async function pageReply(
  req: RequestInfo,
  status: number,
  html: string,
  headers: Record<string, string>,
): Promise<Reply> {
  const body = await encoded(req, Buffer.from(html), false);
  return {
    status,
    body: new RawBody("text/html; charset=utf-8", body.data),
    headers: { ...headers, ...body.headers },
  };
}
