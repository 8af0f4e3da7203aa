/**
 * podctl against the real control plane (Kafka, DynamoDB Local, handlers, API) on
 * loopback, the way a user runs it: a kubeconfig, manifests on disk, and the
 * printed output and exit code. No node agent runs here, so pods stay Pending;
 * what needs a running container is covered by the agent's e2e tests.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPodctl } from '../../bin/podctl/program';
import { eventually, startControlPlane, type ControlPlane } from '../helpers/control-plane';

jest.setTimeout(120_000);

let cp: ControlPlane;
let dir: string;

interface Result {
  code: number;
  out: string;
  err: string;
}

async function podctl(args: string[], stdin = ''): Promise<Result> {
  let out = '';
  let err = '';
  const code = await runPodctl(args, {
    io: { out: (t) => void (out += t), err: (t) => void (err += t), readStdin: () => stdin },
    writeRaw: (chunk) => void (out += Buffer.from(chunk).toString('utf8')),
    env: { KUBECONFIG: join(dir, 'kubeconfig') },
    cwd: dir,
  });
  return { code, out, err };
}

/** A loopback port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const WEB = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: app
    image: podflow/web:1
    resources:
      requests:
        cpu: 100m
`;

const MIXED = `apiVersion: v1
kind: Pod
metadata:
  name: good
spec:
  containers:
  - name: app
    image: podflow/base:1
---
apiVersion: v1
kind: Pod
metadata:
  name: priv
spec:
  containers:
  - name: app
    image: podflow/base:1
    securityContext:
      privileged: true
`;

beforeAll(async () => {
  cp = await startControlPlane();
  dir = mkdtempSync(join(tmpdir(), 'podctl-e2e-'));
  writeFileSync(
    join(dir, 'kubeconfig'),
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: local, cluster: {server: "${cp.api.url}"}}]`,
      `users: [{name: admin, user: {token: "${cp.token}"}}]`,
      'contexts: [{name: local, context: {cluster: local, user: admin}}]',
      'current-context: local',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'web.yaml'), WEB);
  writeFileSync(join(dir, 'mixed.yaml'), MIXED);
});

afterAll(async () => {
  await cp?.stop();
});

describe('podctl against the local control plane', () => {
  it('creates a pod from a file, then reports it unchanged on a second apply', async () => {
    expect(await podctl(['apply', '-f', join(dir, 'web.yaml')])).toEqual({ code: 0, out: 'pod/web created\n', err: '' });
    expect(await podctl(['apply', '-f', join(dir, 'web.yaml')])).toEqual({ code: 0, out: 'pod/web unchanged\n', err: '' });
  });

  it('applies the valid documents, reports the refused one with FILE:LINE of the bad field, and exits 1', async () => {
    const file = join(dir, 'mixed.yaml');
    const result = await podctl(['apply', '-f', file]);
    expect(result.code).toBe(1);
    expect(result.out).toBe('pod/good created\n');
    expect(result.err).toBe(
      'The Pod "priv" is invalid: spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy\n' +
        `  ${file}:19: spec.containers[0].securityContext.privileged\n`,
    );
  });

  it('lists pods as a kubectl table and by name, filtered by label', async () => {
    const table = await podctl(['get', 'pods']);
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toBe('NAME   READY   STATUS    RESTARTS   AGE');
    expect(table.out).toMatch(/^web {4}0\/1 {5}Pending {3}0 {10}\d+s$/m);
    expect(await podctl(['get', 'po', '-l', 'app=web', '-o', 'name'])).toEqual({ code: 0, out: 'pod/web\n', err: '' });
  });

  it('completes object names from the cluster: after a type, as TYPE/NAME, and containers of a pod', async () => {
    expect((await podctl(['__complete', 'get', 'pods', ''])).out.split('\n')).toContain('web');
    expect((await podctl(['__complete', 'get', 'pods', 'w'])).out).toBe('web\n');
    expect((await podctl(['__complete', '-n', 'default', 'describe', 'pod/w'])).out).toBe('pod/web\n');
    expect((await podctl(['__complete', 'logs', 'web', ''])).out).toBe('app\n');
    expect((await podctl(['__complete', '-n', 'elsewhere', 'get', 'pods', ''])).out).toBe('');
  });

  it('prints the Status message of a missing pod like kubectl and exits 1', async () => {
    expect(await podctl(['get', 'pod', 'ghost'])).toEqual({ code: 1, out: '', err: 'Error from server (NotFound): pods "ghost" not found\n' });
  });

  it('describes a pod with the Events table from its history', async () => {
    const result = await eventually(async () => {
      const r = await podctl(['describe', 'pod', 'web']);
      return r.out.includes('FailedScheduling') ? r : undefined;
    }, 20_000, 'a FailedScheduling event in describe');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Name:\s+web$/m);
    expect(result.out).toMatch(/^Status:\s+Pending$/m);
    expect(result.out).toMatch(/^Events:\n {2}Type +Reason +Age +From +Message\n/m);
    expect(result.out).toMatch(/^ {2}Warning +FailedScheduling +\d+s +\S+ +.*$/m);
  });

  it('deletes a pod and waits until it is gone', async () => {
    expect(await podctl(['delete', 'pod', 'web', '--timeout', '60s'])).toEqual({ code: 0, out: 'pod "web" deleted\n', err: '' });
    expect((await podctl(['get', 'pod', 'web'])).code).toBe(1);
  });

  it('says the connection was refused, with kubectl\'s hint, when no server listens', async () => {
    const port = await closedPort();
    expect(await podctl(['--server', `http://127.0.0.1:${port}`, 'get', 'pods'])).toEqual({
      code: 1,
      out: '',
      err: `The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port?\n`,
    });
  });
});
