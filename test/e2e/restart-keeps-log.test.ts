/**
 * The log survives a restart: the whole local cluster (its own Apache Kafka and
 * DynamoDB Local on disk, handlers, API, a Docker agent) is stopped and started
 * again on the same state directory, as Ctrl-C and a second `npm start` do,
 * with the node a separate host as `npm start` runs it. A consumer that reads
 * pod-changes from the beginning then sees the changes made before the
 * restart, and the pod keeps running in the same containers on the same host
 * engine (the host outlived the cluster's processes and was taken up again).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { makeKafka } from '../../shared/adapters/kafka/client';
import { TOPICS, type Envelope } from '../../shared/events';
import { collect } from '../helpers/events';
import { cleanupNode, runningAppContainers, startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';
import { eventually } from '../helpers/control-plane';
import { stopHostsOf } from '../../shared/local/hosts';

describe('Ctrl-C and a second start keep the log and the pods', () => {
  const node = uniqueNodeName('restart');
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'podflow-restart-'));
  let cluster: TestCluster | null = null;
  const agents = [{ name: node, runtime: 'docker' as const, env: { HEARTBEAT_INTERVAL_MS: '1000' } }];

  afterAll(async () => {
    await cluster?.destroy();
    // Hosts left running by a step that failed between the two starts.
    await stopHostsOf(stateDir);
    rmSync(stateDir, { recursive: true, force: true });
    await cleanupNode(node);
  });

  it('resumes the same log and the same running pod', async () => {
    cluster = await startTestCluster({ agents, stateDir, ownParts: true, separateHosts: true });
    const created = await cluster.request('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'survivor' },
      spec: { containers: [{ name: 'main', image: 'podflow/base:1', command: ['sleep', '3600'] }] },
    });
    expect(created.status).toBe(201);
    const uid: string = created.body.metadata.uid;
    await eventually(async () => (await cluster!.request('GET', '/api/v1/namespaces/default/pods/survivor')).body.status?.phase === 'Running', 60000, 'survivor Running');
    const engine = new Docker({ socketPath: path.join(stateDir, 'hosts', node, 'docker.sock') });
    const before = await runningAppContainers(node, engine);
    expect(before.map((c) => c.uid)).toEqual([uid]);
    const podIP: string = (await cluster.request('GET', '/api/v1/namespaces/default/pods/survivor')).body.status.podIP;
    const enginePid = () => readFileSync(path.join(stateDir, 'hosts', node, 'docker.pid'), 'utf8').trim();
    const engineBefore = enginePid();
    const brokersBefore = cluster.brokers;
    // Ctrl-C: every process of the cluster stops, the host keeps running.
    await cluster.stop({ keepHosts: true });
    cluster = null;

    cluster = await startTestCluster({ agents, stateDir, ownParts: true, separateHosts: true });
    const kafka = makeKafka({ brokers: cluster.brokers, clientId: 'restart-test', sasl: cluster.adminSasl });
    const changes = await collect(kafka, TOPICS.podChanges);
    try {
      const added = await eventually(
        async () => changes.events.find((e: Envelope) => e.type === 'PodChanged' && (e.data as { change: string; pod: { metadata: { uid: string } } }).pod.metadata.uid === uid),
        30000,
        'the change from before the restart',
      );
      expect(added).toBeDefined();
    } finally {
      await changes.stop();
    }
    const pod = (await cluster.request('GET', '/api/v1/namespaces/default/pods/survivor')).body;
    expect(pod.metadata.uid).toBe(uid);
    await eventually(async () => (await cluster!.request('GET', `/api/v1/nodes/${node}`)).body.status?.conditions?.[0]?.status === 'True', 30000, 'node Ready again');
    expect(await runningAppContainers(node, engine)).toEqual(before);
    expect((await cluster.request('GET', '/api/v1/namespaces/default/pods/survivor')).body.status.podIP).toBe(podIP);
    expect(enginePid()).toBe(engineBefore);
    expect(cluster.brokers.length).toBe(brokersBefore.length);
  }, 240000);
});
