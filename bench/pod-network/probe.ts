/**
 * The two ends of the pod-network benchmark, run as their own processes
 * inside a network namespace (a pod's, through its sandbox's pid, or a
 * host's): `server PORT` echoes every byte back; `client HOST PORT` measures
 * the round trip of small messages and then the throughput of a bulk
 * transfer, each bounded in time and bytes, and prints one JSON line.
 * Both ends count the CPU time they used for the bulk transfer (user and
 * system, which includes the kernel's packet processing done on their
 * behalf): on a small, shared machine the cost per byte moved is steadier
 * than the bytes per second, which follow whatever else runs.
 */
import net from 'node:net';

const ECHO_BYTES = 64;

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Echoes; when a connection closes, prints the CPU time used while it was open. */
function serve(port: number): void {
  net
    .createServer((s) => {
      const started = cpuUs();
      s.on('close', () => process.stdout.write(JSON.stringify({ cpuUs: cpuUs() - started }) + '\n'));
      s.pipe(s);
    })
    .listen(port, '0.0.0.0', () => process.stdout.write('listening\n'));
}

async function connect(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port, noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Round trips of 64 bytes, one at a time: at most `rounds`, at most `maxMs`. Returns each round trip in µs. */
async function echoRounds(host: string, port: number, rounds: number, maxMs: number): Promise<number[]> {
  const s = await connect(host, port);
  const message = Buffer.alloc(ECHO_BYTES, 0x61);
  const samples: number[] = [];
  const end = Date.now() + maxMs;
  for (let i = 0; i < rounds && Date.now() < end; i++) {
    const started = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      let got = 0;
      const onData = (c: Buffer) => {
        got += c.length;
        if (got >= ECHO_BYTES) {
          s.off('data', onData);
          resolve();
        }
      };
      s.on('data', onData);
      s.write(message);
    });
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  s.destroy();
  return samples;
}

/** Writes up to `maxBytes` (or for `maxMs`) and counts what came back: the echo doubles the path, both directions loaded. */
async function bulk(host: string, port: number, maxBytes: number, maxMs: number): Promise<{ bytes: number; seconds: number; cpuUs: number }> {
  const s = await connect(host, port);
  const chunk = Buffer.alloc(256 * 1024, 0x62);
  let received = 0;
  let sent = 0;
  const cpuStarted = cpuUs();
  const started = process.hrtime.bigint();
  const end = Date.now() + maxMs;
  s.on('data', (c: Buffer) => (received += c.length));
  while (sent < maxBytes && Date.now() < end) {
    sent += chunk.length;
    if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
  }
  const deadline = Date.now() + 10_000;
  while (received < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  s.destroy();
  return { bytes: received, seconds, cpuUs: cpuUs() - cpuStarted };
}

async function main(): Promise<void> {
  const [mode, a, b] = process.argv.slice(2);
  if (mode === 'server') return serve(Number(a));
  if (mode !== 'client') throw new Error('usage: probe server PORT | probe client HOST PORT');
  const rounds = Number(process.env.ECHO_ROUNDS ?? 2000);
  const maxBytes = Number(process.env.BULK_BYTES ?? 256 * 1024 * 1024);
  const maxMs = Number(process.env.PHASE_MS ?? 5000);
  const samples = await echoRounds(a, Number(b), rounds, maxMs);
  const t = await bulk(a, Number(b), maxBytes, maxMs);
  process.stdout.write(JSON.stringify({ samples, bulk: t }) + '\n');
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
