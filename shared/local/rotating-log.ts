/**
 * A child's log file under `.podflow/logs` that rotates by size: past
 * `maxBytes` the file becomes `name.log.1` (older ones shift to `.2` ... and
 * the oldest beyond `keep` is removed), and writing goes on in a fresh file, so
 * a cluster that runs for weeks keeps a bounded amount of log on disk.
 * Synchronous writes: the launcher does nothing else, and no line is lost at a
 * rotation.
 */
import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { Writable } from 'node:stream';

export interface RotationSettings {
  maxBytes: number;
  keep: number;
}

export const DEFAULT_LOG_ROTATION: RotationSettings = { maxBytes: 20 * 1024 * 1024, keep: 3 };

export class RotatingLog extends Writable {
  private fd: number;
  private size: number;

  constructor(
    private readonly file: string,
    private readonly settings: RotationSettings = DEFAULT_LOG_ROTATION,
  ) {
    super();
    this.fd = openSync(file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    try {
      if (this.size > 0 && this.size + chunk.length > this.settings.maxBytes) this.rotate();
      writeSync(this.fd, chunk);
      this.size += chunk.length;
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  /** A line from the launcher itself (restarts), in the same file. */
  note(line: string): void {
    this.write(`${new Date().toISOString()} podflow-local: ${line}\n`);
  }

  private rotate(): void {
    closeSync(this.fd);
    rmSync(`${this.file}.${this.settings.keep}`, { force: true });
    for (let i = this.settings.keep - 1; i >= 1; i--) if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    if (this.settings.keep > 0) renameSync(this.file, `${this.file}.1`);
    else rmSync(this.file, { force: true });
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = 0;
  }

  override _final(done: (err?: Error | null) => void): void {
    closeSync(this.fd);
    done();
  }
}
