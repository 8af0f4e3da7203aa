/**
 * Runs the agent as a real process (node dist/agent/main.js), and a Docker API
 * proxy that can SIGKILL it at an exact point of a pod start (before a request
 * reaches Docker, or after Docker did it but before the agent hears back).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const AGENT_MAIN = path.join(REPO, 'dist', 'agent', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds dist/ with tsc when the agent's sources are newer than dist/agent/main.js. */
export function ensureAgentBuilt(): void {
  const built = existsSync(AGENT_MAIN) ? statSync(AGENT_MAIN).mtimeMs : 0;
  const sources = Math.max(newestMtime(path.join(REPO, 'agent')), newestMtime(path.join(REPO, 'shared')));
  if (built >= sources) return;
  const res = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
  // tsc --incremental rewrites only what changed, so an up-to-date build may keep an older mtime.
  if (!existsSync(AGENT_MAIN) || res.status === null) {
    throw new Error(`building the agent failed:\n${res.stdout}\n${res.stderr}`);
  }
}

export interface AgentProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

export function spawnAgent(env: Record<string, string>): AgentProcess {
  const child = spawn(process.execPath, [AGENT_MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

export type Verdict = 'pass' | 'kill-before' | 'kill-after';

export interface DockerProxy {
  socket: string;
  /** Decides per request; `onKill` runs when a fault fires. */
  setFault(fault: ((method: string, url: string) => Verdict) | null, onKill?: () => void): void;
  close(): Promise<void>;
}

export async function startDockerProxy(socket: string, upstream = '/var/run/docker.sock'): Promise<DockerProxy> {
  if (existsSync(socket)) unlinkSync(socket);
  let fault: ((method: string, url: string) => Verdict) | null = null;
  let onKill: () => void = () => undefined;
  const server = http.createServer((req, res) => {
    const verdict = fault?.(req.method ?? 'GET', req.url ?? '/') ?? 'pass';
    if (verdict === 'kill-before') {
      onKill();
      req.socket.destroy();
      return;
    }
    const up = http.request({ socketPath: upstream, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      if (verdict === 'kill-after') {
        upRes.resume();
        upRes.on('end', () => {
          onKill();
          res.destroy();
        });
        return;
      }
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    setFault(f, kill) {
      fault = f;
      onKill = kill ?? (() => undefined);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
