/**
 * The flat pod network across hosts, as a user sees it: two hosts, each a
 * network namespace with its own Docker engine (shared/local/hosts.ts), joined
 * by an underlay, the VXLAN overlay programmed by each agent. A pod on host 1
 * fetches a page from a pod on host 2 by pod IP, and the server sees the
 * client's pod IP as the source (no NAT between pods); the same on one host.
 * The agent, which runs outside its host's namespace, probes and
 * port-forwards to pods through its host (agent/network/netns-dialer.ts).
 * Each node shows its own pod range and pods get addresses from it. The
 * seed's web-with-puller pod is served to a pod on another host; a node whose
 * agent dies and returns keeps its range (and its pods their addresses); a
 * third host added at runtime joins the network. The cluster's namespaces,
 * engines and links (the added host's too) are removed afterwards, also when
 * a step fails.
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../helpers/control-plane';
import { kubectlRunner } from '../helpers/kubectl';
import { startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';
import { contains, parseCidr, parseIp } from '../../shared/network/cidr';
import { hostTag, planHosts } from '../../shared/local/hosts';
import { freePort } from '../../shared/local/java-process';
import { REPO_ROOT } from '../../shared/local/paths';

const run = promisify(execFile);
// Short heartbeats (with the control plane's short grace period below): a dead node reads NotReady within seconds.
const AGENT_ENV = { HEARTBEAT_INTERVAL_MS: '1000', RESYNC_INTERVAL_MS: '2000' };

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

  interface NodeView {
    metadata: { name: string };
    spec: { podCIDR?: string; podCIDRs?: string[] };
    status: { conditions: { type: string; status: string }[] };
  }
  const nodeList = async (): Promise<NodeView[]> => (JSON.parse((await kubectl(['get', 'nodes', '-o', 'json'])).out) as { items: NodeView[] }).items;
  /** A pod's row of `kubectl get pods -o wide`, once it is Running and ready with an IP. */
  const runningPod = (name: string, timeoutMs = 45000) =>
    eventually(
      async () => {
        const [, ready, status, , , ip, node] = (await kubectl(['get', 'pod', name, '-o', 'wide', '--no-headers'])).out.trim().split(/\s+/);
        const [up, all] = (ready ?? '').split('/');
        return status === 'Running' && up === all && ip && ip !== '<none>' ? { ip, node } : null;
      },
      timeoutMs,
      `pod ${name} Running and ready with an IP`,
    );
  const nodeStatus = async (node: string) => (await kubectl(['get', 'node', node, '--no-headers'])).out.trim().split(/\s+/)[1];
  const fetchFrom = async (client: string, ip: string) => (await kubectl(['exec', client, '--', 'timeout', '10', 'wget', '-q', '-O', '-', `http://${ip}/`])).out;

  beforeAll(async () => {
    cluster = await startTestCluster({
      agents: nodes.map((name) => ({ name, runtime: 'docker' as const, env: AGENT_ENV })),
      separateHosts: true,
      tls: true,
      // hostPort is beyond the baseline level: one namespace may use it.
      env: { POD_SECURITY_LEVELS: 'hostports=privileged', NODE_GRACE_PERIOD_MS: '8000', SWEEP_INTERVAL_MS: '1000' },
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

  it("serves the seed's web-with-puller pod to a pod on another host by pod IP", async () => {
    const applied = await kubectl(['apply', '-f', path.join(REPO_ROOT, 'examples', 'web-with-puller.yaml')]);
    expect(applied.out).toBe('pod/web-with-puller created\n');
    const server = await runningPod('web-with-puller', 60000);
    // far runs on the first host, near on the second: the client is whichever is on another host than the server.
    const client = server.node === nodes[0] ? 'near' : 'far';
    const clientNode = (await runningPod(client)).node;
    expect(clientNode).not.toBe(server.node);
    let page = '';
    await eventually(async () => (page = await fetchFrom(client, server.ip)).includes('Hello from podflow'), 20000, 'the page the puller wrote, fetched across hosts');
    expect(page).toContain('<h1>Hello from podflow</h1>');
  }, 90000);

  it('keeps a node\'s pod range when its agent dies and returns: its pod keeps its address, a new pod gets one from the range, reachable from the other host', async () => {
    const range = (await nodeList()).find((n) => n.metadata.name === nodes[0])!.spec.podCIDR!;
    const far = await runningPod('far');
    const web = await runningPod('web');
    const agent = cluster!.processes.get(`agent-${nodes[0]}`)!;
    const exited = new Promise((resolve) => agent.once('exit', resolve));
    agent.kill('SIGKILL');
    await exited;
    await eventually(async () => (await nodeStatus(nodes[0])) === 'NotReady', 30000, 'the control plane sees the dead node NotReady');

    await cluster!.startAgent({ name: nodes[0], runtime: 'docker', env: AGENT_ENV });
    await eventually(async () => (await nodeStatus(nodes[0])) === 'Ready', 45000, 'the returned node Ready again');
    const back = (await nodeList()).find((n) => n.metadata.name === nodes[0])!;
    expect(back.spec.podCIDR).toBe(range);
    expect(back.status.conditions.find((c) => c.type === 'NetworkUnavailable')?.status).toBe('False');
    // The pod kept running through the agent's absence, on its address, and still reaches the other host.
    expect((await runningPod('far')).ip).toBe(far.ip);
    expect(await fetchFrom('far', web.ip)).toContain('podflow web');

    expect((await kubectl(['apply', '-f', '-'], pod('back', nodes[0], 'podflow/web:1', undefined, { readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } }))).code).toBe(0);
    const fresh = await runningPod('back');
    expect(contains(parseCidr(range), parseIp(fresh.ip))).toBe(true);
    expect(await fetchFrom('near', fresh.ip)).toContain('podflow web');
  }, 150000);

  it('joins a third host added at runtime: a range of its own, Ready with its network programmed, its pod and the first two hosts\' pods reach each other by pod IP', async () => {
    const third = uniqueNodeName('net-3');
    await cluster!.startAgent({ name: third, runtime: 'docker', env: AGENT_ENV });
    await eventually(async () => (await nodeStatus(third)) === 'Ready', 60000, 'the third node Ready');
    const all = (await nodeList()).filter((n) => [...nodes, third].includes(n.metadata.name));
    const cidrs = all.map((n) => n.spec.podCIDR);
    expect(cidrs.every((c) => c && contains(parseCidr('10.244.0.0/16'), parseCidr(c).base))).toBe(true);
    expect(new Set(cidrs).size).toBe(3);
    const added = all.find((n) => n.metadata.name === third)!;
    expect(added.status.conditions.find((c) => c.type === 'NetworkUnavailable')?.status).toBe('False');

    expect((await kubectl(['apply', '-f', '-'], pod('web3', third, 'podflow/web:1', undefined, { readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } }))).code).toBe(0);
    const web3 = await runningPod('web3');
    expect(contains(parseCidr(added.spec.podCIDR!), parseIp(web3.ip))).toBe(true);
    const [far, near, web, back] = await Promise.all(['far', 'near', 'web', 'back'].map((p) => runningPod(p)));
    // The first two hosts learn the new node's range on their next overlay pass.
    await eventually(async () => (await fetchFrom('far', web3.ip)).includes('podflow web'), 20000, 'the first host reaches the third');
    expect(await fetchFrom('near', web3.ip)).toContain('podflow web');
    expect(await fetchFrom('web3', web.ip)).toContain('podflow web');
    expect(await fetchFrom('web3', back.ip)).toContain('podflow web');
    await eventually(async () => {
      const logs = (await kubectl(['logs', 'web3'])).out;
      return logs.includes(far.ip) && logs.includes(near.ip);
    }, 15000, 'the third host\'s server saw both client pod IPs');
  }, 150000);
});
