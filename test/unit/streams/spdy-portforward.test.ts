import { Duplex, duplexPair, PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import { protocol } from 'spdy-transport';
import { dataFrame, decodeHeaderBlock, encodeHeaderBlock, FLAG_FIN, pingFrame, splitFrames, streamIdOf, TYPE, type SpdyFrame } from '../../../api/portforward/spdy-frames';
import { serveSpdyPortForward } from '../../../api/portforward/spdy-session';
import type { Logger } from '../../../shared/ports';

const DICTIONARY = protocol.spdy.dictionary[3.1];
const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quietLogger };

describe('SPDY/3.1 frames', () => {
  it('round-trips a header block, lower-casing names and keeping the first of several values', () => {
    const block = encodeHeaderBlock({ StreamType: 'data', port: '80', requestid: '0' });
    expect(decodeHeaderBlock(block)).toEqual({ streamtype: 'data', port: '80', requestid: '0' });
    expect(decodeHeaderBlock(encodeHeaderBlock({ accept: 'a\0b' }))).toEqual({ accept: 'a' });
  });

  it('splits a byte stream into control and data frames and keeps an incomplete one', () => {
    const bytes = Buffer.concat([pingFrame(Buffer.from([0, 0, 0, 7])), dataFrame(5, Buffer.from('hello'), true)]);
    const { frames, rest } = splitFrames(Buffer.concat([bytes, bytes.subarray(0, 5)]));
    expect(frames).toEqual([
      { kind: 'control', type: TYPE.ping, flags: 0, data: Buffer.from([0, 0, 0, 7]) },
      { kind: 'data', streamId: 5, flags: FLAG_FIN, data: Buffer.from('hello') },
    ]);
    expect(rest).toEqual(bytes.subarray(0, 5));
  });
});

/** The client side of kubectl's port-forward, enough to drive the server: SYN_STREAMs with compressed headers. */
function spdyClient() {
  const deflate = zlib.createDeflate({ dictionary: DICTIONARY });
  const compress = (block: Buffer) =>
    new Promise<Buffer>((resolve) => {
      deflate.write(block);
      deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve(deflate.read() as Buffer));
    });
  const synStream = async (id: number, headers: Record<string, string>) => {
    const body = Buffer.concat([Buffer.alloc(10), await compress(encodeHeaderBlock(headers))]);
    body.writeUInt32BE(id, 0);
    const head = Buffer.alloc(8);
    head.writeUInt16BE(0x8003, 0);
    head.writeUInt16BE(TYPE.synStream, 2);
    head.writeUIntBE(body.length, 5, 3);
    return Buffer.concat([head, body]);
  };
  return { synStream };
}

async function collectFrames(conn: Duplex, until: (frames: SpdyFrame[]) => boolean): Promise<SpdyFrame[]> {
  const frames: SpdyFrame[] = [];
  let buffered: Buffer = Buffer.alloc(0);
  return new Promise((resolve) => {
    conn.on('data', (chunk: Buffer) => {
      const split = splitFrames(Buffer.concat([buffered, chunk]));
      buffered = split.rest;
      frames.push(...split.frames);
      if (until(frames)) resolve(frames);
    });
  });
}

describe('serveSpdyPortForward', () => {
  it('answers both streams, relays the data stream through the tunnel to the port, and ends both streams', async () => {
    const [client, server] = duplexPair();
    const ports: number[] = [];
    serveSpdyPortForward(server, async (port) => {
      ports.push(port);
      const echo = new PassThrough(); // the pod's port: answers what it is sent, upper-cased, then ends
      const tunnel = new Duplex({
        read() {},
        write(chunk: Buffer, _enc, done) {
          echo.write(chunk.toString('utf8').toUpperCase(), done);
        },
        final(done) {
          echo.end();
          done();
        },
      });
      echo.on('data', (c) => tunnel.push(c));
      echo.on('end', () => tunnel.push(null));
      return tunnel;
    }, quietLogger);
    const { synStream } = spdyClient();
    const done = collectFrames(client, (fs) => fs.filter((f) => f.kind === 'data' && f.flags & FLAG_FIN).length === 2);
    client.write(await synStream(1, { streamtype: 'error', port: '80', requestid: '0' }));
    client.write(await synStream(3, { streamtype: 'data', port: '80', requestid: '0' }));
    client.write(dataFrame(3, Buffer.from('get /'), true));
    const frames = await done;
    expect(ports).toEqual([80]);
    const replies = frames.filter((f) => f.kind === 'control' && f.type === TYPE.synReply).map((f) => streamIdOf(f.data));
    expect(replies).toEqual([1, 3]);
    const data = frames.filter((f): f is Extract<SpdyFrame, { kind: 'data' }> => f.kind === 'data');
    expect(Buffer.concat(data.filter((f) => f.streamId === 3).map((f) => f.data)).toString()).toBe('GET /');
    expect(data.filter((f) => f.streamId === 1).map((f) => f.data.length)).toEqual([0]); // no error: an empty, finished error stream
  });

  it('writes why the port could not be reached on the error stream, and echoes pings', async () => {
    const [client, server] = duplexPair();
    serveSpdyPortForward(server, async (port) => {
      throw new Error(`error forwarding port ${port} to pod web: connect ECONNREFUSED`);
    }, quietLogger);
    const { synStream } = spdyClient();
    const done = collectFrames(client, (fs) => fs.some((f) => f.kind === 'data' && f.streamId === 1 && f.flags & FLAG_FIN) && fs.some((f) => f.kind === 'control' && f.type === TYPE.ping));
    client.write(await synStream(1, { streamtype: 'error', port: '81', requestid: '7' }));
    client.write(await synStream(3, { streamtype: 'data', port: '81', requestid: '7' }));
    client.write(pingFrame(Buffer.from([0, 0, 0, 1])));
    const frames = await done;
    const error = frames.find((f) => f.kind === 'data' && f.streamId === 1);
    expect(error?.data.toString()).toBe('error forwarding port 81 to pod web: connect ECONNREFUSED');
    expect(frames.find((f) => f.kind === 'control' && f.type === TYPE.ping)?.data).toEqual(Buffer.from([0, 0, 0, 1]));
  });
});
