/**
 * Runs a Java server (the Kafka broker, DynamoDB Local) as a child that dies
 * with its parent: a small shell keeps the JVM's stdin side and stops the JVM
 * with SIGTERM when our end of the pipe closes, whether we close it (stop())
 * or this process dies, so a killed launcher never leaves a broker holding
 * its ports and data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { RotatingLog } from './rotating-log';
import net from 'node:net';

export interface JavaProcess {
  child: ChildProcess;
  /** The JVM's own pid (the watchdog shell's child), for CPU accounting. */
  jvmPid(): number | undefined;
  /** Resolves once the JVM has exited (SIGKILL after `killAfterMs`). */
  stop(killAfterMs?: number): Promise<void>;
  exited(): boolean;
}

const WATCHDOG = 'java "$@" <&- & pid=$!; cat >/dev/null; kill -TERM $pid 2>/dev/null; wait $pid';

export function spawnJava(args: string[], opts: { cwd?: string; logFile: string; env?: Record<string, string> }): JavaProcess {
  const child = spawn('bash', ['-c', WATCHDOG, 'java', ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...(opts.env ?? {}) },
    stdio: ['pipe', 'pipe', 'pipe'],
    // A group of its own: Ctrl-C in the terminal reaches the launcher only, which stops the JVM in order.
    detached: true,
  });
  // Rotated by size like the Node children's logs: a broker left running for weeks must not fill the disk.
  const log = new RotatingLog(opts.logFile);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.once('close', () => log.end());
  let done = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((done = true), resolve())));
  return {
    child,
    exited: () => done,
    jvmPid: () => {
      try {
        const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
        return children.length > 0 ? Number(children[0]) : undefined;
      } catch {
        return undefined;
      }
    },
    async stop(killAfterMs = 30000) {
      if (done) return;
      child.stdin!.end();
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, killAfterMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Runs a short Java command (a tool, not a server) to its end; fails with its log on a non-zero exit. */
export async function runJava(args: string[], opts: { logFile: string; what: string }): Promise<void> {
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`${opts.what} failed (exit ${code}); see ${opts.logFile}`);
}

/** A TCP port on 127.0.0.1 that nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `check` resolves true, failing with the JVM's exit or after `timeoutMs`. */
export async function waitUntil(what: string, proc: JavaProcess, check: () => Promise<boolean>, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exited()) throw new Error(`${what} exited during start-up; see ${logFile}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  await proc.stop(5000);
  throw new Error(`${what} did not come up within ${timeoutMs} ms; see ${logFile}`);
}
