/**
 * The flat pod network across hosts, as a user sees it: two hosts, each a
 * network namespace with its own Docker engine (shared/local/hosts.ts), joined
 * by an underlay, the VXLAN overlay programmed by each agent. A pod on host 1
 * fetches a page from a pod on host 2 by pod IP, and the server sees the
 * client's pod IP as the source (no NAT between pods); the same on one host.
 * The agent, which runs outside its host's namespace, probes and
 * port-forwards to pods through its host (agent/network/netns-dialer.ts).
 * Each node shows its own pod range and pods get addresses from it. The
 * cluster's namespaces, engines and links are removed afterwards, also when a
 * step fails.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { eventually } from '../helpers/control-plane';
import { kubectlRunner } from '../helpers/kubectl';
import { startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';
import { contains, parseCidr, parseIp } from '../../shared/network/cidr';
import { hostTag, planHosts } from '../../shared/local/hosts';
import { freePort } from '../../shared/local/java-process';

const run = promisify(execFile);

function pod(name: string, node: string, image: string, command?: string[], extra: Record<string, unknown> = {}, namespace = 'default'): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'net' } },
    spec: {
      nodeSelector: { 'kubernetes.io/hostname': node },
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image, imagePullPolicy: 'Never', ...(command ? { command } : {}), ...extra }],
    },
  });
}

describe('a flat pod network across two hosts in namespaces', () => {
  const nodes = [uniqueNodeName('net-1'), uniqueNodeName('net-2')];
  let cluster: TestCluster | undefined;
  const kubectl = kubectlRunner(() => cluster!.kubeconfig);

  beforeAll(async () => {
    cluster = await startTestCluster({
      agents: nodes.map((name) => ({ name, runtime: 'docker' as const, env: { HEARTBEAT_INTERVAL_MS: '1000', RESYNC_INTERVAL_MS: '2000' } })),
      separateHosts: true,
      tls: true,
      // hostPort is beyond the baseline level: one namespace may use it.
      env: { POD_SECURITY_LEVELS: 'hostports=privileged' },
    });
    await eventually(async () => {
      const r = await kubectl(['get', 'nodes']);
      return nodes.every((n) => new RegExp(`${n}\\s+Ready`).test(r.out));
    }, 45000, 'both hosts Ready with their pod network programmed');
  }, 120000);

  afterAll(async () => {
    await cluster?.destroy();
    // Whatever a failed start left: the namespaces are named after the state directory's tag.
    if (cluster) {
      const left = (await run('ip', ['netns', 'list'])).stdout;
      expect(left).not.toContain(`pf${hostTag(cluster.stateDir)}-`);
    }
  }, 60000);

  it('gives each host its own pod range and reports its network programmed', async () => {
    const r = await kubectl(['get', 'nodes', '-o', 'json']);
    const items = (JSON.parse(r.out) as { items: { metadata: { name: string }; spec: { podCIDR?: string; podCIDRs?: string[] }; status: { conditions: { type: string; status: string }[] } }[] }).items.filter((n) => nodes.includes(n.metadata.name));
    const cidrs = items.map((n) => n.spec.podCIDR);
    expect(cidrs.every((c) => c && contains(parseCidr('10.244.0.0/16'), parseCidr(c).base) && c.endsWith('/24'))).toBe(true);
    expect(new Set(cidrs).size).toBe(2);
    expect(items.map((n) => n.spec.podCIDRs)).toEqual(cidrs.map((c) => [c]));
    expect(items.map((n) => n.status.conditions.find((c) => c.type === 'NetworkUnavailable')?.status)).toEqual(['False', 'False']);
  });

  it('lets a pod on one host fetch from a pod on another by pod IP, keeping its source address, and on the same host too', async () => {
    expect((await kubectl(['apply', '-f', '-'], pod('web', nodes[1], 'podflow/web:1', undefined, { readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } }))).code).toBe(0);
    expect((await kubectl(['apply', '-f', '-'], pod('far', nodes[0], 'podflow/base:1', ['sleep', '3600']))).code).toBe(0);
    expect((await kubectl(['apply', '-f', '-'], pod('near', nodes[1], 'podflow/base:1', ['sleep', '3600']))).code).toBe(0);
    const ips: Record<string, string> = {};
    await eventually(async () => {
      const r = await kubectl(['get', 'pods', '-o', 'wide', '--no-headers']);
      for (const line of r.out.split('\n')) {
        const [name, , status, , , ip] = line.trim().split(/\s+/);
        const [ready] = line.trim().split(/\s+/).slice(1, 2);
        // web is Ready only once its httpGet probe, dialed from inside its host's namespace, answered.
        if (status === 'Running' && ready === '1/1' && ip && ip !== '<none>') ips[name] = ip;
      }
      return ['web', 'far', 'near'].every((n) => ips[n]);
    }, 45000, 'the three pods Running with IPs');

    const nodeJson = JSON.parse((await kubectl(['get', 'nodes', '-o', 'json'])).out) as { items: { metadata: { name: string }; spec: { podCIDR: string } }[] };
    const range = (node: string) => parseCidr(nodeJson.items.find((n) => n.metadata.name === node)!.spec.podCIDR);
    expect([contains(range(nodes[1]), parseIp(ips.web)), contains(range(nodes[0]), parseIp(ips.far)), contains(range(nodes[1]), parseIp(ips.near))]).toEqual([true, true, true]);

    for (const client of ['far', 'near']) {
      const got = await kubectl(['exec', client, '--', 'timeout', '10', 'wget', '-q', '-O', '-', `http://${ips.web}/`]);
      expect({ client, code: got.code, out: got.out }).toEqual({ client, code: 0, out: expect.stringContaining('podflow web') });
    }
    // busybox httpd -v logs each request's peer: the client pods' own addresses, not a host's.
    await eventually(async () => {
      const logs = (await kubectl(['logs', 'web'])).out;
      return logs.includes(ips.far) && logs.includes(ips.near);
    }, 15000, 'the server saw both client pod IPs');
    const logs = (await kubectl(['logs', 'web'])).out;
    const plan = planHosts(hostTag(cluster!.stateDir), nodes, cluster!.stateDir);
    for (const h of plan.hosts) expect(logs).not.toContain(h.address);
  }, 120000);

  it('forwards a local port to a pod on another host (kubectl port-forward)', async () => {
    const port = String(await freePort());
    const child = spawn('kubectl', ['port-forward', 'pod/web', `${port}:80`], { env: { ...process.env, KUBECONFIG: cluster!.kubeconfig } });
    try {
      let said = '';
      child.stdout.on('data', (d: Buffer) => (said += d.toString()));
      await eventually(async () => said.includes('Forwarding from'), 20000, 'port-forward ready');
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(page).toContain('podflow web');
    } finally {
      child.kill();
    }
  }, 60000);

  it('maps a hostPort on its host, reachable from a pod on the other host, and keeps a second pod wanting it off that node', async () => {
    const plan = planHosts(hostTag(cluster!.stateDir), nodes, cluster!.stateDir);
    const ports = [{ containerPort: 80, hostPort: 18081 }];
    expect((await kubectl(['apply', '-f', '-'], pod('hp', nodes[1], 'podflow/web:1', undefined, { ports }, 'hostports'))).code).toBe(0);
    await eventually(async () => / Running /.test((await kubectl(['get', 'pod', 'hp', '-n', 'hostports', '--no-headers'])).out), 30000, 'the hostPort pod Running');
    let page = '';
    await eventually(async () => {
      page = (await kubectl(['exec', 'far', '--', 'timeout', '5', 'wget', '-q', '-O', '-', `http://${plan.hosts[1].address}:18081/`])).out;
      return page.includes('podflow web');
    }, 15000, 'the page through the hostPort of host 2');
    expect((await kubectl(['apply', '-f', '-'], pod('hp2', nodes[1], 'podflow/web:1', undefined, { ports }, 'hostports'))).code).toBe(0);
    await eventually(async () => /didn't have free ports for the requested pod ports/.test((await kubectl(['describe', 'pod', 'hp2', '-n', 'hostports'])).out), 20000, 'hp2 unschedulable for its port');
  }, 90000);

  it('masquerades traffic that leaves the cluster CIDR to the host address', async () => {
    // The switch namespace stands in for the world outside the hosts: a server there answers with the peer it sees.
    const plan = planHosts(hostTag(cluster!.stateDir), nodes, cluster!.stateDir);
    const port = 18080;
    const script = `require('net').createServer((s) => s.end('peer ' + s.remoteAddress + '\\n')).listen(${port}, '${plan.gateway}')`;
    const server = execFile('ip', ['netns', 'exec', plan.switchNetns, process.execPath, '-e', script]);
    try {
      let answer = '';
      await eventually(async () => {
        const r = await kubectl(['exec', 'far', '--', 'sh', '-c', `nc -w 2 ${plan.gateway} ${port} </dev/null`]);
        answer = r.out;
        return answer.includes('peer ');
      }, 15000, 'the pod reached the server outside the hosts');
      expect(answer.trim()).toBe(`peer ${plan.hosts[0].address}`);
    } finally {
      server.kill();
    }
  }, 60000);
});
