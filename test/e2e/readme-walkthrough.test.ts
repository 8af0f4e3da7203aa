/**
 * The README's walk-throughs as a user does them: the blocks between the
 * `walkthrough` and `walkthrough-network` markers of README.md are read from
 * the file and run line by line with bash and the real kubectl, against a
 * cluster of real processes shaped as `npm start` runs it: two Docker agents,
 * each a host of its own (network namespace, engine, the pod network between
 * them). Only what a terminal supplies is supplied here: the kubeconfig
 * (`export KUBECONFIG=...` names the cluster's), a free port in place of 8080,
 * the test's node names in place of node-1 and node-2, and an editor for
 * `kubectl edit` (KUBE_EDITOR, a sed script). Then podctl, the seed's pod
 * served by pod IP to a pod on the other host, and the official client library.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../helpers/control-plane';
import { freePort } from '../../shared/local/java-process';
import { cleanupNode, startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

/** A walk-through's command lines, in order (comments and blank lines dropped). */
function walkthroughLines(readme: string, marker = 'walkthrough'): string[] {
  const block = new RegExp(`<!-- ${marker} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\s*<!-- /${marker} -->`).exec(readme);
  if (!block) throw new Error(`README.md has no ${marker} block`);
  return block[1]
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** One README line run with bash as a reader would (`written` as the README has it, `line` with the test's substitutions). */
async function runStep(line: string, written: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    return (await run('bash', ['-c', line], { cwd: ROOT, env, timeout: 90000 })).stdout;
  } catch (err) {
    const e = err as { stdout: string; stderr: string };
    throw new Error(`README step failed: ${written}\n${e.stdout}${e.stderr}`, { cause: err });
  }
}

describe('README walk-through on a cluster with two Docker agents on two hosts', () => {
  const nodes = [uniqueNodeName('rw-1'), uniqueNodeName('rw-2')];
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ agents: nodes.map((name) => ({ name, runtime: 'docker' as const, env: { HEARTBEAT_INTERVAL_MS: '1000' } })), tls: true, separateHosts: true });
    await eventually(async () => {
      const { stdout } = await run('kubectl', ['get', 'nodes'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig } });
      return nodes.every((n) => new RegExp(`${n}\\s+Ready`).test(stdout));
    }, 30000, 'both nodes Ready');
  }, 120000);
  afterAll(async () => {
    await cluster?.destroy();
    await Promise.all(nodes.map(cleanupNode));
  });

  it('runs every kubectl step of the README as written', async () => {
    const lines = walkthroughLines(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    expect(lines[0]).toBe('export KUBECONFIG=$PWD/.podflow/kubeconfig');
    const port = String(await freePort());
    const env = {
      ...process.env,
      KUBECONFIG: cluster.kubeconfig,
      // The editor a user would use: here it changes the label the walk-through set.
      KUBE_EDITOR: `sed -i -e 's/tier: front/tier: back/'`,
    };
    const outputs: { line: string; out: string }[] = [];
    let background: ChildProcess | undefined;
    try {
      for (const written of lines.slice(1)) {
        const line = written.replace(/\b8080\b/g, port);
        if (line.endsWith('&')) {
          // A command the reader leaves running: wait until it says it is ready, as they would.
          const child = spawn('bash', ['-c', line.slice(0, -1)], { cwd: ROOT, env });
          background = child;
          let said = '';
          child.stdout.on('data', (d: Buffer) => (said += d.toString()));
          await eventually(async () => said.includes('Forwarding from'), 20000, `${written} ready`);
          continue;
        }
        if (line === 'kill %1') {
          background?.kill();
          background = undefined;
          continue;
        }
        outputs.push({ line: written, out: await runStep(line, written, env) });
      }
    } finally {
      background?.kill();
    }
    const out = (prefix: string) => outputs.find((o) => o.line.startsWith(prefix))?.out ?? `(no output of ${prefix})`;
    expect(out('kubectl get nodes')).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    expect(out('kubectl apply -f examples/web-with-puller.yaml')).toBe('pod/web-with-puller created\n');
    expect(out('kubectl wait')).toBe('pod/web-with-puller condition met\n');
    expect(out('kubectl get pods -o wide')).toMatch(/web-with-puller\s+2\/2\s+Running\s+0\s+\S+\s+\d+\.\d+\.\d+\.\d+\s+rw-/);
    expect(out('kubectl describe pod')).toMatch(/Normal\s+Started\s+.*kubelet\s+Started container web/);
    expect(out('kubectl logs')).toContain('wrote /html/index.html');
    expect(out('kubectl exec')).toContain('<h1>Hello from podflow</h1>');
    expect(out('curl')).toContain('<h1>Hello from podflow</h1>');
    expect(out('kubectl label')).toBe('pod/web-with-puller labeled\n');
    expect(out('kubectl edit')).toBe('pod/web-with-puller edited\n');
    expect(out('kubectl get events')).toMatch(/Normal\s+Scheduled\s+pod\/web-with-puller\s+Successfully assigned default\/web-with-puller to rw-/);
    expect(out('kubectl delete pod')).toBe('pod "web-with-puller" deleted\n');
    expect(out('kubectl apply -f examples/rc-web.yaml')).toBe('replicationcontroller/rc-web created\n');
    expect(out('kubectl scale')).toBe('replicationcontroller/rc-web scaled\n');
    expect(out('kubectl get rc')).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nrc-web\s+5\s+/);
    expect(out('kubectl delete rc')).toBe('replicationcontroller "rc-web" deleted\n');
  }, 240000);

  it('runs the pod network block: two pods on two hosts talk by pod IP', async () => {
    const lines = walkthroughLines(readFileSync(path.join(ROOT, 'README.md'), 'utf8'), 'walkthrough-network');
    const env = { ...process.env, KUBECONFIG: cluster.kubeconfig };
    const outputs: { line: string; out: string }[] = [];
    for (const written of lines) {
      const line = written.replace(/\bnode-1\b/g, nodes[0]).replace(/\bnode-2\b/g, nodes[1]);
      outputs.push({ line: written, out: await runStep(line, written, env) });
    }
    const out = (prefix: string) => outputs.find((o) => o.line.startsWith(prefix))?.out ?? `(no output of ${prefix})`;
    const cidrs = Object.fromEntries(
      out('kubectl get nodes')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s+/))
        .map(([name, cidr]) => [name, cidr]),
    );
    expect(cidrs[nodes[0]]).toMatch(/^10\.244\.\d+\.0\/24$/);
    expect(cidrs[nodes[1]]).toMatch(/^10\.244\.\d+\.0\/24$/);
    expect(cidrs[nodes[0]]).not.toBe(cidrs[nodes[1]]);
    // podctl describe node: the range, and the tunnel routing the other host's range to its underlay address.
    const described = out('npx podctl describe node');
    expect(described).toMatch(new RegExp(`PodCIDR:\\s+${cidrs[nodes[0]].replace(/\./g, '\\.')}`));
    expect(described).toMatch(new RegExp(`NetworkUnavailable\\s+False\\s+.*RouteCreated\\s+VXLAN tunnel up \\(VTEP [\\d.]+\\); routes to 1 other node range: ${cidrs[nodes[1]].replace(/\./g, '\\.')} via 10\\.99\\.0\\.\\d+`));
    // Each pod's IP is in its own node's range: the node names the third /24 octet.
    const ipOf = (pod: string) => new RegExp(`^${pod}\\s+1/1\\s+Running\\s+\\d+\\s+\\S+\\s+(\\S+)\\s+(\\S+)`, 'm').exec(out('kubectl get pods web client'));
    const web = ipOf('web');
    const client = ipOf('client');
    expect([web?.[2], client?.[2]]).toEqual([nodes[1], nodes[0]]);
    const octet = (cidrOrIp: string) => cidrOrIp.split('.')[2];
    expect([octet(web![1]), octet(client![1])]).toEqual([octet(cidrs[nodes[1]]), octet(cidrs[nodes[0]])]);
    expect(out('kubectl exec client')).toContain('podflow web');
    // busybox httpd -v logs the peer: the client pod's own address, kept across the hosts.
    expect(out('kubectl logs web')).toContain(client![1]);
    expect(out('kubectl delete pod web client')).toBe('pod "web" deleted\npod "client" deleted\n');
  }, 180000);

  it('serves the seed pod by pod IP to a pod on the other host, and podctl and the official client read the same cluster', async () => {
    const podctl = async (...args: string[]) => {
      // As the README says it: `npx podctl` from the repository (--no: never fetch it from a registry).
      const { stdout } = await run('npx', ['--no', 'podctl', ...args], { cwd: ROOT, env: { ...process.env, KUBECONFIG: cluster.kubeconfig } });
      return stdout;
    };
    const kubectl = async (...args: string[]) => (await run('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, timeout: 60000 })).stdout;
    expect(await podctl('apply', '-f', 'examples/web-with-puller.yaml')).toBe('pod/web-with-puller created\n');
    const wide = await eventually(async () => {
      const r = await podctl('get', 'pods', '-o', 'wide');
      return /web-with-puller\s+2\/2\s+Running/.test(r) && r;
    }, 60000, 'the pod Running');
    const [, ip, node] = /web-with-puller\s+2\/2\s+Running\s+\d+\s+\S+\s+(\d+\.\d+\.\d+\.\d+)\s+(\S+)/.exec(wide)!;
    // A client on the other host: the page crosses the underlay, as between two machines.
    const other = nodes.find((n) => n !== node)!;
    await kubectl('run', 'far-client', '--image=podflow/base:1', '--image-pull-policy=Never', `--overrides={"spec":{"nodeSelector":{"kubernetes.io/hostname":"${other}"}}}`, '--', 'sleep', '600');
    await kubectl('wait', '--for=condition=Ready', 'pod/far-client', '--timeout=60s');
    const page = await eventually(async () => {
      const got = await kubectl('exec', 'far-client', '--', 'timeout', '5', 'wget', '-q', '-O', '-', `http://${ip}/`).catch(() => '');
      return got.includes('Hello from podflow') && got;
    }, 20000, 'the page from the pod IP, across hosts');
    expect(page).toContain('Hello from podflow');
    await kubectl('delete', 'pod', 'far-client', '--wait=false');
    expect(await podctl('describe', 'pod', 'web-with-puller')).toMatch(/Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/web-with-puller to rw-/);

    // The official client library (ESM), in its own process as a user's program would be.
    const script = `import * as k8s from '@kubernetes/client-node';
      const kc = new k8s.KubeConfig(); kc.loadFromFile(process.argv[1]);
      const list = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'default' });
      console.log(JSON.stringify({ server: kc.getCurrentCluster().server, names: list.items.map((p) => p.metadata.name) }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, cluster.kubeconfig], { cwd: ROOT });
    const viaClient = JSON.parse(stdout) as { server: string; names: string[] };
    expect(viaClient.server).toMatch(/^https:/);
    expect(viaClient.names).toContain('web-with-puller');
    expect(await podctl('delete', 'pod', 'web-with-puller', '--wait')).toBe('pod "web-with-puller" deleted\n');
  }, 120000);
});
