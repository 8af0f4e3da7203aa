/**
 * exec with stdin, exit codes, attach, `kubectl cp` and `kubectl port-forward` as a user runs them:
 * the real kubectl 1.31 (WebSocket, v5.channel.k8s.io) against a cluster of
 * real processes with one Docker agent; the API relays each stream to the
 * agent of the pod's node, which runs `docker exec` in the chosen container.
 * The official client's Exec speaks the same protocol from its own process.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../helpers/control-plane';
import { cleanupNode, startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';
import { kubectlRunner } from '../helpers/kubectl';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
jest.setTimeout(120_000);

describe('kubectl exec and cp through the API to the pod\'s agent', () => {
  const node = uniqueNodeName('kx');
  let cluster: TestCluster;
  let work: string;
  const kubectl = (args: string[], input?: Buffer | string) => kubectlRunner(() => cluster.kubeconfig, { cwd: work })(args, input);

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'kubectl-exec-'));
    cluster = await startTestCluster({ agents: [{ name: node, runtime: 'docker', env: { HEARTBEAT_INTERVAL_MS: '1000' } }], tls: true });
    await eventually(async () => (await kubectl(['get', 'node', node])).out.includes('Ready'), 30_000, 'node Ready');
    const manifest = path.join(work, 'web.json');
    writeFileSync(manifest, JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', annotations: { 'kubectl.kubernetes.io/default-container': 'web' } },
      spec: { containers: [{ name: 'sidecar', image: 'podflow/base:1', command: ['sleep', '3600'] }, { name: 'web', image: 'podflow/web:1' }, { name: 'ticker', image: 'podflow/base:1', command: ['sh', '-c', 'while true; do echo tick; sleep 1; done'] }] },
    }));
    expect((await kubectl(['apply', '-f', manifest])).out).toBe('pod/web created\n');
    expect((await kubectl(['wait', '--for=condition=Ready', 'pod/web', '--timeout=60s'])).out).toBe('pod/web condition met\n');
  }, 120_000);
  afterAll(async () => {
    await cluster?.destroy();
    await cleanupNode(node);
    rmSync(work, { recursive: true, force: true });
  });

  it('runs a command in the default container and prints its output (the pod name as hostname)', async () => {
    expect(await kubectl(['exec', 'web', '--', 'cat', '/etc/hostname'])).toMatchObject({ code: 0, out: 'web\n' });
    // -c picks another container of the same pod; both share the pod's UTS namespace
    expect(await kubectl(['exec', 'web', '-c', 'sidecar', '--', 'sh', '-c', 'echo $(hostname) from sidecar; echo oops >&2'])).toMatchObject({ code: 0, out: 'web from sidecar\n', err: 'oops\n' });
  });

  it('passes stdin to the command until it ends, and the written file reads back', async () => {
    const text = 'line one\nline two\n';
    expect(await kubectl(['exec', '-i', 'web', '--', 'sh', '-c', 'cat > /tmp/x'], text)).toMatchObject({ code: 0, out: '' });
    expect(await kubectl(['exec', 'web', '--', 'cat', '/tmp/x'])).toMatchObject({ code: 0, out: text });
  });

  it('exits with the command\'s exit code', async () => {
    const r = await kubectl(['exec', 'web', '--', 'sh', '-c', 'exit 3']);
    expect(r.code).toBe(3);
    expect(r.err).toContain('command terminated with exit code 3');
  });

  it('refuses a container the pod does not have, and a pod that does not exist', async () => {
    expect(await kubectl(['exec', 'web', '-c', 'nope', '--', 'true'])).toMatchObject({ code: 1, err: 'Error from server (BadRequest): container nope is not valid for pod web\n' });
    expect(await kubectl(['exec', 'missing', '--', 'true'])).toMatchObject({ code: 1, err: expect.stringContaining('pods "missing" not found') });
  });

  it('attaches to a container\'s running process and shows its output as it comes', async () => {
    const child = spawn('kubectl', ['attach', 'web', '-c', 'ticker'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig } });
    try {
      let printed = '';
      child.stdout.on('data', (c: Buffer) => (printed += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (printed += c.toString('utf8')));
      await eventually(async () => (printed.match(/^tick$/gm) ?? []).length >= 2, 30_000, 'two ticks through attach');
      expect(printed).not.toMatch(/error/i);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('copies a file into the pod and back with kubectl cp, byte for byte', async () => {
    const original = randomBytes(200_000);
    writeFileSync(path.join(work, 'payload.bin'), original);
    expect(await kubectl(['cp', 'payload.bin', 'web:/tmp/payload.bin'])).toMatchObject({ code: 0 });
    expect((await kubectl(['exec', 'web', '--', 'wc', '-c', '/tmp/payload.bin'])).out).toMatch(/^\s*200000 \/tmp\/payload.bin\n$/);
    expect(await kubectl(['cp', 'web:/tmp/payload.bin', 'back.bin'])).toMatchObject({ code: 0 });
    expect(readFileSync(path.join(work, 'back.bin')).equals(original)).toBe(true);
  });

  // kubectl 1.31 tunnels SPDY in a WebSocket by default; with the feature off it upgrades to SPDY directly.
  it.each([
    ['SPDY tunnelled in a WebSocket', 'true'],
    ['plain SPDY/3.1', 'false'],
  ])('forwards a local port to the pod with kubectl port-forward over %s, and the page comes through', async (_how, websockets) => {
    const page = (await kubectl(['exec', 'web', '--', 'cat', '/www/index.html'])).out;
    expect(page.length).toBeGreaterThan(0);
    const env = { ...process.env, KUBECONFIG: cluster.kubeconfig, KUBECTL_PORT_FORWARD_WEBSOCKETS: websockets };
    const child = spawn('kubectl', ['port-forward', 'pod/web', ':80', '-v=6'], { env });
    try {
      let printed = '';
      child.stdout.on('data', (c: Buffer) => (printed += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (printed += c.toString('utf8')));
      const port = await eventually(async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 80/.exec(printed)?.[1], 30_000, 'kubectl port-forward listening');
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe(page);
      }
      expect(printed).toContain(`Handling connection for ${port}`);
      expect(printed).not.toMatch(/error|falling back/i);
      // -v=6 logs the upgrade request: a WebSocket GET, or SPDY's POST
      expect(printed).toMatch(websockets === 'true' ? /GET https:\S+\/portforward 101/ : /POST https:\S+\/portforward 101/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('reports a port nothing listens on as kubectl does: the forwarding error, then the lost connection', async () => {
    const child = spawn('kubectl', ['port-forward', 'pod/web', ':81'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig } });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      let printed = '';
      child.stdout.on('data', (c: Buffer) => (printed += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (printed += c.toString('utf8')));
      const port = await eventually(async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 81/.exec(printed)?.[1], 30_000, 'kubectl port-forward listening');
      await fetch(`http://127.0.0.1:${port}/`).catch(() => null);
      expect(await exited).toBe(1);
      expect(printed).toMatch(/an error occurred forwarding \d+ -> 81: error forwarding port 81 to pod web, uid [0-9a-f-]+: dial tcp [\d.]+:81: connect ECONNREFUSED/);
      expect(printed).toContain('lost connection to pod');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('the official client\'s Exec streams output, reports the exit status, and runs on a TTY when asked', async () => {
    const script = `import * as k8s from '@kubernetes/client-node';
      import { PassThrough } from 'node:stream';
      const kc = new k8s.KubeConfig(); kc.loadFromFile(process.argv[1]);
      const out = new PassThrough(); let text = '';
      out.on('data', (c) => (text += c));
      const status = await new Promise((resolve, reject) => {
        new k8s.Exec(kc).exec('default', 'web', 'web', ['sh', '-c', 'echo from $(hostname); exit 4'], out, null, null, false, resolve).catch(reject);
      });
      const ttyOut = new PassThrough(); let ttyText = '';
      ttyOut.on('data', (c) => (ttyText += c));
      const ttyStatus = await new Promise((resolve, reject) => {
        new k8s.Exec(kc).exec('default', 'web', 'web', ['tty'], ttyOut, null, null, true, resolve).catch(reject);
      });
      console.log(JSON.stringify({ text, status, ttyText, ttyStatus }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, cluster.kubeconfig], { cwd: ROOT });
    const result = JSON.parse(stdout);
    expect(result.text).toBe('from web\n');
    expect(result.status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '4' }] } });
    // with a TTY the command runs on a terminal (one output stream, CRLF line ends)
    expect(result.ttyText).toMatch(/^\/dev\/pts\/\d+\r\n$/);
    expect(result.ttyStatus).toMatchObject({ status: 'Success' });
  });
});
