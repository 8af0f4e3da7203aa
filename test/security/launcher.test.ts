/**
 * The launcher as `npm start` runs it (dist/bin/podflow-local.js, a state
 * directory of its own, its own broker, the suite's store, a hollow node):
 * the state directory is 0700 and the secrets 0600; a second launcher on the
 * same directory refuses with a clear message; a killed handler process is
 * restarted (noted in its log) and pods keep converging; and when the
 * launcher itself is killed with SIGKILL, every child goes with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../shared/local/paths';
import { eventually } from '../helpers/control-plane';
import { requester } from '../helpers/http';
import { uniqueNodeName } from '../helpers/cluster';

jest.setTimeout(300_000);

const LAUNCHER = path.join(REPO_ROOT, 'dist', 'bin', 'podflow-local.js');
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'podflow-launcher-'));
const apiPort = 20000 + Math.floor(Math.random() * 20000);
const node = uniqueNodeName('launch');
const env = {
  ...process.env,
  PODFLOW_STATE_DIR: stateDir,
  PODFLOW_API_PORT: String(apiPort),
  PODFLOW_API_TLS_PORT: '0',
  PODFLOW_AGENTS: node,
  PODFLOW_RUNTIME: 'hollow',
  PODFLOW_KAFKA_PORT: '0',
  DYNAMODB_ENDPOINT: process.env.PODFLOW_TEST_DYNAMODB_ENDPOINT!,
  LOG_LEVEL: 'warn',
};

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(): Run {
  const child = spawn(process.execPath, [LAUNCHER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, output: () => out, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

/** Every process under a pid (children, grandchildren ...), from /proc. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number) => {
    for (const task of existsSync(`/proc/${p}/task`) ? readdirSync(`/proc/${p}/task`) : []) {
      let children: string[] = [];
      try {
        children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      } catch {
        // gone meanwhile
      }
      for (const c of children.map(Number)) {
        out.push(c);
        visit(c);
      }
    }
  };
  visit(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

function handlersPid(launcherPid: number): number | undefined {
  return descendants(launcherPid).find((p) => {
    try {
      return readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').some((e) => e.startsWith('HANDLERS=pod-controller,'));
    } catch {
      return false;
    }
  });
}

let first: Run;
let children: number[] = [];

afterAll(async () => {
  for (const pid of [first?.child.pid, ...children]) if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
});

const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'podflow/base:1' }] } });

it('supervises its children: one launcher per state directory, a killed handler restarted, every child gone with a killed launcher', async () => {
  first = launch();
  await eventually(async () => first.output().includes('podflow is running.') || first.child.exitCode !== null, 180_000, 'the launcher to start');
  expect(first.output()).toContain('podflow is running.');

  // The state directory and its secrets are the owner's alone.
  expect(statSync(stateDir).mode & 0o777).toBe(0o700);
  for (const secret of ['token', 'agent-token', 'kubeconfig', 'launcher.pid']) expect(statSync(path.join(stateDir, secret)).mode & 0o777).toBe(0o600);

  // A second npm start over the running cluster refuses, and says why.
  const second = launch();
  expect(await second.exited).toBe(1);
  expect(second.output()).toContain(`podflow is already running from this state directory (launcher pid ${first.child.pid}`);

  const request = requester(() => `http://127.0.0.1:${apiPort}`, readFileSync(path.join(stateDir, 'token'), 'utf8').trim());
  const running = (name: string) =>
    eventually(async () => (await request('GET', `/api/v1/namespaces/default/pods/${name}`)).body?.status?.phase === 'Running', 60_000, `${name} Running`);
  expect((await request('POST', '/api/v1/namespaces/default/pods', pod('one'))).status).toBe(201);
  await running('one');

  // A killed handler process comes back, the restart noted in its log, and pods still converge.
  const killed = handlersPid(first.child.pid!)!;
  expect(killed).toBeGreaterThan(0);
  process.kill(killed, 'SIGKILL');
  const restarted = await eventually(async () => {
    const pid = handlersPid(first.child.pid!);
    return pid && pid !== killed ? pid : undefined;
  }, 60_000, 'the handlers process to be restarted');
  expect(restarted).not.toBe(killed);
  expect(readFileSync(path.join(stateDir, 'logs', 'handlers.log'), 'utf8')).toMatch(/handlers exited \(SIGKILL\); restarting in \d+ ms/);
  await eventually(async () => [201, 409].includes((await request('POST', '/api/v1/namespaces/default/pods', pod('two'))).status), 60_000, 'a pod created after the restart');
  await running('two');

  // The launcher killed outright: its children (the broker's JVM included) stop with it.
  children = descendants(first.child.pid!);
  expect(children.length).toBeGreaterThanOrEqual(5);
  process.kill(first.child.pid!, 'SIGKILL');
  await first.exited;
  const left = () =>
    children
      .filter(alive)
      .map((pid) => `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').slice(-90)} ppid=${readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ').slice(0, 2).join(' ')}`);
  await eventually(async () => left().length === 0, 60_000, 'children to stop').catch((err: Error) => {
    throw new Error(`${err.message}: ${left().join('; ')}`);
  });
});
