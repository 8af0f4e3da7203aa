/**
 * Recovery never depends on expired records: pods started through the real
 * control plane keep running when their agent restarts after every record of
 * its node-assignments partition was deleted (as retention deletes them). The
 * agent fills in its pods from the Pods projection, takes them over without
 * restarting a container, and still obeys later assignments (a delete).
 */
import { physicalTopic } from '../../../shared/adapters/kafka/client';
import { nodePartition, TOPICS } from '../../../shared/events';
import { agentSettings, cleanupNode, nodeContainers, startDockerAgent, testNodeName, type RunningAgent } from '../../helpers/agent-docker';
import { eventually, startControlPlane, type ControlPlane } from '../../helpers/control-plane';

describe('agent recovery after retention removed its assignments', () => {
  const node = testNodeName('retained');
  let cp: ControlPlane;
  let agent: RunningAgent | null = null;

  beforeAll(async () => {
    cp = await startControlPlane();
  }, 60000);

  afterAll(async () => {
    await agent?.stop();
    await cp?.stop();
    await cleanupNode(node);
  });

  const phase = async (name: string) => (await cp.request('GET', `/api/v1/namespaces/default/pods/${name}`)).body;

  it('keeps running pods whose assignments are gone from the log, and obeys what comes after', async () => {
    agent = await startDockerAgent(cp.kafka, agentSettings(node), { projection: cp.stores.podStore });
    for (const name of ['kept-a', 'kept-b']) {
      const created = await cp.request('POST', '/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'podflow/base:1', command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'] }] },
      });
      expect(created.status).toBe(201);
    }
    await eventually(async () => (await phase('kept-a')).status?.phase === 'Running' && (await phase('kept-b')).status?.phase === 'Running', 60000, 'both pods Running');
    const before = (await nodeContainers(node)).filter((c) => c.State === 'running').map((c) => c.Id).sort();
    expect(before.length).toBeGreaterThanOrEqual(4); // a sandbox and an app container per pod
    await agent.stop();
    agent = null;

    // Retention's work, done at once: the partition's start moves past every record.
    const topic = physicalTopic(cp.kafka, TOPICS.nodeAssignments);
    const partition = nodePartition(node);
    const admin = cp.kafka.admin();
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition, offset: '-1' }] });
    const offsets = (await admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition)!;
    await admin.disconnect();
    expect(Number(offsets.high)).toBeGreaterThan(0);
    expect(offsets.low).toBe(offsets.high);

    agent = await startDockerAgent(cp.kafka, agentSettings(node), { projection: cp.stores.podStore });
    // Two resyncs later nothing was stopped or recreated.
    await new Promise((r) => setTimeout(r, 5000));
    const after = (await nodeContainers(node)).filter((c) => c.State === 'running').map((c) => c.Id).sort();
    expect(after).toEqual(before);
    expect((await phase('kept-a')).status.phase).toBe('Running');

    // The restarted agent owns the pods: a delete stops one, the other stays.
    expect((await cp.request('DELETE', '/api/v1/namespaces/default/pods/kept-a')).status).toBe(200);
    await eventually(async () => (await phase('kept-a')).code === 404, 30000, 'kept-a gone');
    const uidB = (await phase('kept-b')).metadata.uid;
    const left = (await nodeContainers(node)).filter((c) => c.State === 'running');
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((c) => c.Labels['podflow.pod.uid'] === uidB)).toBe(true);
  }, 150000);
});
