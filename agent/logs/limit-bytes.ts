/**
 * `limitBytes` as the kubelet applies it: the log stream ends after that many
 * bytes (the last line may be cut), and the source is released at once, so a
 * large log is never read further than what was asked for.
 */
import { Transform, type Readable } from 'node:stream';

export function limitBytes(source: Readable, limit: number): Readable {
  let left = limit;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (left <= 0) return done();
      const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= part.length;
      this.push(part);
      if (left <= 0) {
        this.push(null);
        source.destroy();
      }
      done();
    },
  });
  source.on('error', (err) => out.destroy(err));
  out.on('close', () => source.destroy());
  return source.pipe(out);
}
