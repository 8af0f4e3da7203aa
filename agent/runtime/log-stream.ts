/**
 * Docker multiplexes stdout and stderr of a non-TTY container into frames (an
 * 8-byte header: stream type, 3 zero bytes, big-endian payload length). This
 * turns such a stream into plain text, both streams in arrival order, as
 * `kubectl logs` shows them.
 */
import { Transform, type Readable } from 'node:stream';

export function demuxDockerStream(source: Readable): Readable {
  let pending: Buffer = Buffer.alloc(0);
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 8) {
        const size = pending.readUInt32BE(4);
        if (pending.length < 8 + size) break;
        this.push(pending.subarray(8, 8 + size));
        pending = pending.subarray(8 + size);
      }
      done();
    },
  });
  source.on('error', (err) => out.destroy(err));
  out.on('close', () => source.destroy());
  return source.pipe(out);
}
