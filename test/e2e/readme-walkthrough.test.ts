/**
 * The README's walk-through as a user does it: a cluster of real processes with
 * two Docker agents, `npx podctl` run as its own process with the written
 * kubeconfig, the example pod's page fetched from its pod IP, and the official
 * Kubernetes client library reading pods over the TLS context.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../helpers/control-plane';
import { cleanupNode, startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

describe('README walk-through on a cluster with two Docker agents', () => {
  const nodes = [uniqueNodeName('rw-1'), uniqueNodeName('rw-2')];
  let cluster: TestCluster;
  const podctl = async (...args: string[]) => {
    try {
      // As the README says it: `npx podctl` from the repository (--no: never fetch it from a registry).
      // The kubeconfig goes by $KUBECONFIG: npm would take a --kubeconfig before the command for its own.
      const { stdout } = await run('npx', ['--no', 'podctl', ...args], { cwd: ROOT, env: { ...process.env, KUBECONFIG: cluster.kubeconfig } });
      return { code: 0, stdout };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout + e.stderr };
    }
  };

  beforeAll(async () => {
    cluster = await startTestCluster({ agents: nodes.map((name) => ({ name, runtime: 'docker' as const, env: { HEARTBEAT_INTERVAL_MS: '1000' } })), tls: true });
  }, 120000);
  afterAll(async () => {
    await cluster?.destroy();
    await Promise.all(nodes.map(cleanupNode));
  });

  it('lists both nodes Ready', async () => {
    const out = await eventually(async () => {
      const r = await podctl('get', 'nodes');
      return nodes.every((n) => new RegExp(`${n}\\s+Ready`).test(r.stdout)) && r.stdout;
    }, 30000, 'both nodes Ready');
    expect(out.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
  });

  it('applies the two-container example, serves its page from the pod IP, shows logs and events, and deletes it', async () => {
    const applied = await podctl('apply', '-f', 'examples/web-with-puller.yaml');
    expect(applied).toEqual({ code: 0, stdout: 'pod/web-with-puller created\n' });
    const wide = await eventually(async () => {
      const r = await podctl('get', 'pods', '-o', 'wide');
      return /web-with-puller\s+2\/2\s+Running/.test(r.stdout) && r.stdout;
    }, 60000, 'the pod Running');
    const ip = /Running\s+\d+\s+\S+\s+(\d+\.\d+\.\d+\.\d+)/.exec(wide)![1];
    const page = await eventually(async () => {
      const res = await fetch(`http://${ip}/`).catch(() => null);
      return res?.ok ? res.text() : null;
    }, 20000, 'the page from the pod IP');
    expect(page).toContain('Hello from podflow');

    expect((await podctl('logs', 'web-with-puller', '-c', 'puller')).stdout).toContain('wrote /html/index.html');
    const describe = await podctl('describe', 'pod', 'web-with-puller');
    expect(describe.stdout).toMatch(/Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message/);
    expect(describe.stdout).toMatch(/Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/web-with-puller to rw-/);
    expect(describe.stdout).toMatch(/Normal\s+Started\s+.*kubelet\s+Started container web/);

    // The official client library (ESM), in its own process as a user's program would be.
    const script = `import * as k8s from '@kubernetes/client-node';
      const kc = new k8s.KubeConfig(); kc.loadFromFile(process.argv[1]);
      const list = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'default' });
      console.log(JSON.stringify({ server: kc.getCurrentCluster().server, names: list.items.map((p) => p.metadata.name) }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, cluster.kubeconfig], { cwd: ROOT });
    const viaClient = JSON.parse(stdout);
    expect(viaClient.server).toMatch(/^https:/);
    expect(viaClient.names).toContain('web-with-puller');

    const deleted = await podctl('delete', 'pod', 'web-with-puller', '--wait');
    expect(deleted).toEqual({ code: 0, stdout: 'pod "web-with-puller" deleted\n' });
    expect((await podctl('get', 'pod', 'web-with-puller')).stdout).toContain('Error from server (NotFound): pods "web-with-puller" not found');
  }, 120000);
});
