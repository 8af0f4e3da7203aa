/**
 * The server side of a `portforward.k8s.io` SPDY/3.1 connection, over a raw
 * upgraded socket or tunnelled in a WebSocket (kubectl 1.31's default). For
 * each forwarded local connection kubectl opens two streams with the same
 * `requestid`: an error stream (it only reads) and a data stream; this answers
 * each with SYN_REPLY, opens a tunnel to the pod's port once the data stream
 * exists, relays bytes both ways, and on failure writes the message on the
 * error stream, as the kubelet does. PINGs are echoed. Frames are handled one
 * at a time because header blocks share one zlib context per direction.
 */
import type { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import { protocol as spdyProtocol } from 'spdy-transport';
import type { Logger } from '../../shared/ports';
import {
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  FLAG_FIN,
  goawayFrame,
  pingFrame,
  RST,
  rstStreamFrame,
  splitFrames,
  streamIdOf,
  synReplyFrame,
  synStreamParts,
  TYPE,
  type SpdyFrame,
} from './spdy-frames';

/** Connects to the pod's port; rejects with the reason to show the user. */
export type TunnelOpener = (port: number) => Promise<Duplex>;

const DICTIONARY = spdyProtocol.spdy.dictionary[3.1];

/** One zlib context used block by block, each block ended with a sync flush as SPDY requires. */
function zlibContext(stream: zlib.Inflate | zlib.Deflate): (input: Buffer) => Promise<Buffer> {
  return (input) =>
    new Promise<Buffer>((resolve, reject) => {
      stream.once('error', reject);
      stream.write(input);
      stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        stream.removeListener('error', reject);
        const out: Buffer[] = [];
        for (let chunk = stream.read() as Buffer | null; chunk !== null; chunk = stream.read() as Buffer | null) out.push(chunk);
        resolve(Buffer.concat(out));
      });
    });
}

interface ForwardStream {
  id: number;
  type: string;
  requestId: string;
  port: string;
  tunnel?: Duplex;
  /** Client bytes that arrived before the tunnel was open; null once it is. */
  pending: Buffer[] | null;
  clientFinished: boolean;
}

export function serveSpdyPortForward(conn: Duplex, open: TunnelOpener, logger: Logger): void {
  const inflate = zlibContext(zlib.createInflate({ dictionary: DICTIONARY }));
  const deflate = zlibContext(zlib.createDeflate({ dictionary: DICTIONARY }));
  const streams = new Map<number, ForwardStream>();
  const errorStreams = new Map<string, number>();
  let lastStreamId = 0;
  let closed = false;
  let buffered: Buffer = Buffer.alloc(0);

  // Outbound frames in order (a SYN_REPLY waits for its compressed headers; DATA must not pass it).
  let outbound: Promise<void> = Promise.resolve();
  const send = (frame: Buffer | (() => Promise<Buffer>)) => {
    outbound = outbound
      .then(async () => {
        const bytes = typeof frame === 'function' ? await frame() : frame;
        if (!closed && conn.writable) conn.write(bytes);
      })
      .catch((err: unknown) => shutdown(`writing a frame failed: ${(err as Error).message}`));
  };

  const shutdown = (why?: string) => {
    if (closed) return;
    if (why) logger.warn({ why }, 'port-forward connection ended');
    closed = true;
    for (const s of streams.values()) s.tunnel?.destroy();
    streams.clear();
    conn.end();
  };

  const finishStream = (s: ForwardStream) => {
    send(dataFrame(s.id, Buffer.alloc(0), true));
    const errorId = errorStreams.get(s.requestId);
    if (errorId !== undefined) send(dataFrame(errorId, Buffer.alloc(0), true));
  };

  const fail = (s: ForwardStream, message: string) => {
    const errorId = errorStreams.get(s.requestId);
    if (errorId !== undefined) send(dataFrame(errorId, Buffer.from(message), true));
    send(dataFrame(s.id, Buffer.alloc(0), true));
  };

  const startTunnel = (s: ForwardStream) => {
    const port = Number(s.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(s, `invalid port header ${JSON.stringify(s.port)}`);
    open(port).then(
      (tunnel) => {
        if (closed || !streams.has(s.id)) return void tunnel.destroy();
        s.tunnel = tunnel;
        for (const chunk of s.pending ?? []) tunnel.write(chunk);
        s.pending = null;
        if (s.clientFinished) tunnel.end();
        tunnel.on('data', (chunk: Buffer) => send(dataFrame(s.id, chunk)));
        tunnel.once('end', () => finishStream(s));
        tunnel.once('error', (err) => fail(s, `error forwarding port ${port}: ${err.message}`));
      },
      (err: unknown) => fail(s, (err as Error).message),
    );
  };

  const handle = async (frame: SpdyFrame) => {
    if (frame.kind === 'data') {
      const s = streams.get(frame.streamId);
      if (!s || s.type !== 'data') return;
      if (frame.data.length > 0) {
        if (s.tunnel) s.tunnel.write(frame.data);
        else s.pending?.push(frame.data);
      }
      if (frame.flags & FLAG_FIN) {
        s.clientFinished = true;
        s.tunnel?.end();
      }
      return;
    }
    switch (frame.type) {
      case TYPE.synStream: {
        const { streamId, headerBlock } = synStreamParts(frame.data);
        const headers = decodeHeaderBlock(await inflate(headerBlock));
        lastStreamId = Math.max(lastStreamId, streamId);
        const s: ForwardStream = { id: streamId, type: headers.streamtype ?? '', requestId: headers.requestid ?? String(streamId), port: headers.port ?? '', pending: [], clientFinished: (frame.flags & FLAG_FIN) !== 0 };
        streams.set(streamId, s);
        send(async () => synReplyFrame(streamId, await deflate(encodeHeaderBlock({}))));
        if (s.type === 'error') errorStreams.set(s.requestId, streamId);
        else if (s.type === 'data') startTunnel(s);
        else send(rstStreamFrame(streamId, RST.protocolError));
        return;
      }
      case TYPE.headers:
        await inflate(frame.data.subarray(4)); // keeps the zlib context in step; nothing to act on
        return;
      case TYPE.rstStream: {
        const s = streams.get(streamIdOf(frame.data));
        s?.tunnel?.destroy();
        if (s) streams.delete(s.id);
        if (s?.type === 'error') errorStreams.delete(s.requestId);
        return;
      }
      case TYPE.ping:
        return send(pingFrame(frame.data));
      case TYPE.goaway:
        return shutdown();
      default:
        return; // SETTINGS, WINDOW_UPDATE: spdystream peers do no flow control
    }
  };

  let inbound: Promise<void> = Promise.resolve();
  conn.on('data', (chunk: Buffer) => {
    const { frames, rest } = splitFrames(buffered.length ? Buffer.concat([buffered, chunk]) : chunk);
    buffered = rest;
    for (const frame of frames) {
      inbound = inbound.then(() => handle(frame)).catch((err: unknown) => {
        send(goawayFrame(lastStreamId, 1));
        shutdown(`bad frame: ${(err as Error).message}`);
      });
    }
  });
  conn.once('end', () => shutdown());
  conn.once('close', () => shutdown());
  conn.on('error', (err) => shutdown(err.message));
}
