/**
 * Node defaults on real Docker, as the agent applies them to a container that
 * sets none: a pids limit that stops a fork loop (bounded: 200 attempts
 * against a limit of 32), a default memory limit, and json-file log rotation
 * (`max-size`, `max-file`) on the pod's containers; and `limitBytes` on a log
 * read, cut by the agent as the kubelet cuts it.
 */
import { docker, startTestCluster, uniqueNodeName, cleanupNode, type TestCluster } from '../helpers/cluster';
import { eventually } from '../helpers/control-plane';

jest.setTimeout(240_000);

const PIDS = 32;
const node = uniqueNodeName('defaults');
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({
    agents: [{ name: node, runtime: 'docker', env: { CONTAINER_PIDS_LIMIT: String(PIDS), CONTAINER_DEFAULT_MEMORY: '256Mi', CONTAINER_LOG_MAX_SIZE: '1Mi', CONTAINER_LOG_MAX_FILES: '2' } }],
  });
});
afterAll(async () => {
  await cluster?.destroy();
  await cleanupNode(node);
});

it('holds a fork loop to the pids limit, sets a default memory limit and rotated json-file logs, and cuts a log at limitBytes', async () => {
  // The loop runs in a child shell, which dies at its first refused fork; the pod's shell then says so and stays.
  const script = 'seq 1 2000; sh -c "for i in \\$(seq 1 200); do sleep 600 & done"; echo forked; exec sleep 3600';
  const created = await cluster.request('POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'forker' },
    spec: { containers: [{ name: 'main', image: 'podflow/base:1', command: ['sh', '-c', script] }] },
  });
  expect(created.status).toBe(201);
  const [app] = await eventually(async () => {
    const list = await docker.listContainers({ filters: { label: [`podflow.node=${node}`, 'podflow.role=app'], status: ['running'] } });
    return list.length ? list : undefined;
  }, 120_000, 'the pod container running');
  const info = await docker.getContainer(app.Id).inspect();
  expect(info.HostConfig.PidsLimit).toBe(PIDS);
  expect(info.HostConfig.Memory).toBe(256 * 1024 * 1024);
  expect(info.HostConfig.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': String(1024 * 1024), 'max-file': '2' } });

  // The loop ran to its end (bounded), and the container never held more processes than the limit.
  // The refused fork is on stderr and `forked` on stdout: Docker copies the two streams apart, so either may be recorded last.
  const refused = "sh: can't fork: Resource temporarily unavailable";
  await eventually(async () => {
    const lines = String((await cluster.request('GET', '/api/v1/namespaces/default/pods/forker/log')).body).split('\n');
    return lines.includes('forked') && lines.includes(refused);
  }, 60_000, 'the fork loop to end with a refused fork in the log');
  const top = await docker.getContainer(app.Id).top();
  process.stdout.write(`pids limit ${PIDS}: ${top.Processes?.length} processes in the container after 200 fork attempts\n`);
  expect(top.Processes?.length ?? 0).toBeLessThanOrEqual(PIDS);
  expect(top.Processes?.length ?? 0).toBeGreaterThan(PIDS / 2);

  const cut = await cluster.request('GET', '/api/v1/namespaces/default/pods/forker/log?limitBytes=10');
  expect(cut.body).toBe('1\n2\n3\n4\n5\n');
  const bad = await cluster.request('GET', '/api/v1/namespaces/default/pods/forker/log?limitBytes=-1');
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ kind: 'Status', code: 400, message: 'limitBytes must be a positive integer, got "-1"' });
});
