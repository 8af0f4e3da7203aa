/**
 * SPDY/3.1 framing, the part kubectl port-forward needs from a server (the
 * kubelet and API server use Go's spdystream; client-go sends SYN_STREAMs
 * whose headers are only streamtype, port and requestid). Pure: splitting a
 * byte stream into frames, the uncompressed header block, and the frames a
 * server writes (SYN_REPLY, DATA, RST_STREAM, PING, GOAWAY). Header blocks are
 * zlib-compressed with SPDY's dictionary by spdy-session.ts, which keeps the
 * per-connection zlib contexts. spdy-transport's own connection cannot serve
 * here: its parser refuses a SYN_STREAM without :method and :path.
 */
export const SPDY_VERSION = 3;
export const FLAG_FIN = 0x01;
export const TYPE = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goaway: 7, headers: 8, windowUpdate: 9 } as const;
/** RST_STREAM status codes used here. */
export const RST = { protocolError: 1 } as const;

export type SpdyFrame =
  | { kind: 'control'; type: number; flags: number; data: Buffer }
  | { kind: 'data'; streamId: number; flags: number; data: Buffer };

/** Complete frames at the front of `buffer`, and the bytes of an incomplete one. */
export function splitFrames(buffer: Buffer): { frames: SpdyFrame[]; rest: Buffer } {
  const frames: SpdyFrame[] = [];
  let rest = buffer;
  while (rest.length >= 8) {
    const length = rest.readUIntBE(5, 3);
    if (rest.length < 8 + length) break;
    const flags = rest[4];
    const data = rest.subarray(8, 8 + length);
    if (rest[0] & 0x80) frames.push({ kind: 'control', type: rest.readUInt16BE(2), flags, data });
    else frames.push({ kind: 'data', streamId: rest.readUInt32BE(0) & 0x7fffffff, flags, data });
    rest = rest.subarray(8 + length);
  }
  return { frames, rest };
}

/** SYN_STREAM's fixed part; the header block (compressed) follows. */
export function synStreamParts(data: Buffer): { streamId: number; headerBlock: Buffer } {
  return { streamId: data.readUInt32BE(0) & 0x7fffffff, headerBlock: data.subarray(10) };
}

/** A stream id at the front of a frame (SYN_REPLY, RST_STREAM, HEADERS, WINDOW_UPDATE). */
export const streamIdOf = (data: Buffer) => data.readUInt32BE(0) & 0x7fffffff;

/** An uncompressed header block: names lower-case; a value with NULs is several values, the first kept. */
export function decodeHeaderBlock(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  let at = 4;
  const pairs = block.readUInt32BE(0);
  for (let i = 0; i < pairs; i++) {
    const nameLength = block.readUInt32BE(at);
    const name = block.subarray(at + 4, at + 4 + nameLength).toString('utf8').toLowerCase();
    at += 4 + nameLength;
    const valueLength = block.readUInt32BE(at);
    const value = block.subarray(at + 4, at + 4 + valueLength).toString('utf8');
    at += 4 + valueLength;
    headers[name] = value.split('\0')[0];
  }
  return headers;
}

export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  count.writeUInt32BE(Object.keys(headers).length);
  parts.push(count);
  for (const [name, value] of Object.entries(headers)) {
    for (const text of [name.toLowerCase(), value]) {
      const bytes = Buffer.from(text, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      parts.push(length, bytes);
    }
  }
  return Buffer.concat(parts);
}

function controlFrame(type: number, flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head[4] = flags;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

const u32 = (...values: number[]) => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
};

export const synReplyFrame = (streamId: number, compressedHeaders: Buffer, fin = false) =>
  controlFrame(TYPE.synReply, fin ? FLAG_FIN : 0, Buffer.concat([u32(streamId & 0x7fffffff), compressedHeaders]));

export const rstStreamFrame = (streamId: number, status: number) => controlFrame(TYPE.rstStream, 0, u32(streamId & 0x7fffffff, status));

/** A PING is answered with the same id. */
export const pingFrame = (data: Buffer) => controlFrame(TYPE.ping, 0, data);

export const goawayFrame = (lastGoodStreamId: number, status = 0) => controlFrame(TYPE.goaway, 0, u32(lastGoodStreamId & 0x7fffffff, status));

export function dataFrame(streamId: number, data: Buffer, fin = false): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head[4] = fin ? FLAG_FIN : 0;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}
