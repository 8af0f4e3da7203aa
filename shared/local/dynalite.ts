/**
 * Starts dynalite (the DynamoDB API over LevelDB) on loopback, in this process
 * or as a child, with its data under a directory so a restart resumes.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startDynalite(opts: { path?: string; port?: number } = {}): Promise<LocalDynamo> {
  const dynalite = createRequire(__filename)('dynalite') as (o: object) => Server;
  const server = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** dynalite as a child process (bin/podflow-dynalite), so the store has a core to itself. */
export async function startDynaliteProcess(opts: { path?: string; distDir: string }): Promise<LocalDynamo> {
  const child = spawn(process.execPath, [path.join(opts.distDir, 'bin', 'podflow-dynalite.js')], {
    env: { ...process.env, ...(opts.path ? { DYNALITE_PATH: opts.path } : {}) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('dynalite printed no endpoint within 20 s')), 20000);
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ENDPOINT (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
