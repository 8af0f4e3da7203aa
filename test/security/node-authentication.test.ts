/**
 * Nodes are who they say they are, on the real broker (SCRAM users and ACLs,
 * shared/local/kafka.ts) with the real control plane: a node's principal may
 * not write node-assignments or pod-events, a node that speaks for another
 * node (a heartbeat or a pod status naming it) is dead-lettered with the
 * reason and changes nothing, the API hands an agent's endpoint only that
 * node's own token, and a client without credentials is refused.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeAgentToken } from '../../shared/auth/agent-token';
import { Kafka, logLevel, type Kafka as KafkaClient } from 'kafkajs';
import { physicalTopic } from '../../shared/adapters/kafka/client';
import { KafkaPublisher } from '../../shared/adapters/kafka/publisher';
import { readNodeKey } from '../../shared/auth/node-keys';
import { nodeSigner } from '../../shared/auth/node-signature';
import { TOPICS, type DeadLetter, type Envelope, type PodAssigned } from '../../shared/events';
import { startControlPlane, eventually, type ControlPlane } from '../helpers/control-plane';
import { collect, heartbeat, running } from '../helpers/events';
import { suiteParts } from '../helpers/parts';

jest.setTimeout(120_000);

/** The broker's error code behind a kafkajs error, however deeply it is wrapped. */
function errorType(err: unknown): string | undefined {
  for (let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined; e; e = (e.originalError ?? e.cause) as typeof e) {
    if (e.type && e.type !== 'UNKNOWN') return e.type;
  }
  return undefined;
}

async function produceAs(kafka: KafkaClient, topic: string): Promise<string | undefined> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
  await producer.connect();
  try {
    await producer.send({ topic: physicalTopic(kafka, topic), messages: [{ key: 'k', value: '{}' }] });
    return 'accepted';
  } catch (err) {
    return errorType(err) ?? String(err);
  } finally {
    await producer.disconnect();
  }
}

describe('node authentication on the real broker', () => {
  let cp: ControlPlane;
  let deadLetters: Awaited<ReturnType<typeof collect>>;
  const suffix = randomBytes(3).toString('hex');
  const nodeA = `sec-a-${suffix}`;
  const nodeB = `sec-b-${suffix}`;
  const publishers: KafkaPublisher[] = [];
  /** A publisher authenticated as the node's own principal and signing as that node, as its agent does. */
  const asNode = async (name: string) => {
    const kafka = cp.parts.nodeKafka(name);
    const publisher = KafkaPublisher.fromKafka(kafka, { headers: nodeSigner(name, readNodeKey(suiteParts().credentialsDir, name)!) });
    await publisher.connect();
    publishers.push(publisher);
    return publisher;
  };
  const lettersAbout = (node: string) => deadLetters.events.filter((e): e is DeadLetter => e.type === 'DeadLetter' && ((e as DeadLetter).data.value ?? '').includes(node));

  beforeAll(async () => {
    cp = await startControlPlane({ SWEEP_INTERVAL_MS: '1000' });
    await cp.parts.joinNodes([nodeA, nodeB]);
    deadLetters = await collect(cp.kafka, TOPICS.deadLetter);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.disconnect()));
    await deadLetters?.stop();
    await cp?.stop();
  });

  it("refuses a node's principal on node-assignments and pod-events, and lets it write its heartbeats", async () => {
    const kafka = cp.parts.nodeKafka(nodeA);
    expect(await produceAs(kafka, TOPICS.nodeAssignments)).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await produceAs(kafka, TOPICS.podEvents)).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await produceAs(kafka, TOPICS.nodeHeartbeats)).toBe('accepted');
  });

  it('dead-letters a heartbeat a node sends for another node, and leaves that node as it was', async () => {
    const b = await asNode(nodeB);
    await b.publish(TOPICS.nodeHeartbeats, [heartbeat(nodeB, { labels: { zone: 'b' } })]);
    const before = await eventually(() => cp.stores.nodeStore.get(nodeB), 15000, `${nodeB} registered`);

    const a = await asNode(nodeA);
    await a.publish(TOPICS.nodeHeartbeats, [heartbeat(nodeB, { labels: { zone: 'forged' }, bootId: 'forged-boot', ready: false })]);
    const letter = await eventually(async () => lettersAbout('forged-boot')[0], 15000, 'the forged heartbeat dead-lettered');
    expect(letter.data.reason).toBe(`node-lifecycle: node authentication: record for node ${nodeB} sent by node-${nodeA}`);
    expect(letter.data.sourceTopic).toBe(TOPICS.nodeHeartbeats);

    const after = await cp.stores.nodeStore.get(nodeB);
    expect(after!.bootId).toBe(before.bootId);
    expect(after!.node.labels.zone).toBe('b');
    expect(after!.agentReady).toBe(true);
  });

  it('dead-letters an unsigned heartbeat, even from a client allowed to write the topic', async () => {
    const raw = KafkaPublisher.fromKafka(cp.parts.kafka('unsigned'));
    publishers.push(raw);
    await raw.publish(TOPICS.nodeHeartbeats, [heartbeat(nodeB, { bootId: 'unsigned-boot' })]);
    const letter = await eventually(async () => lettersAbout('unsigned-boot')[0], 15000, 'the unsigned heartbeat dead-lettered');
    expect(letter.data.reason).toMatch(/^node-lifecycle: node authentication: unsigned record for node /);
    expect((await cp.stores.nodeStore.get(nodeB))!.bootId).not.toBe('unsigned-boot');
  });

  it("dead-letters a status a node reports for another node's pod, and leaves the pod as it was", async () => {
    const assignments = await collect(cp.kafka, TOPICS.nodeAssignments);
    try {
      const name = `sec-pod-${suffix}`;
      const created = await cp.request('POST', '/api/v1/namespaces/default/pods', { metadata: { name }, spec: { containers: [{ name: 'app', image: 'podflow/base:1' }] } });
      expect(created.status).toBe(201);
      const assigned = (await eventually(
        async () => assignments.events.find((e: Envelope) => e.type === 'PodAssigned' && (e as PodAssigned).data.pod.metadata.name === name),
        15000,
        'the pod bound',
      )) as PodAssigned;
      expect(assigned.data.nodeName).toBe(nodeB);
      const b = await asNode(nodeB);
      await b.publish(TOPICS.podStatus, [running(assigned.data.pod, nodeB, 1)]);
      await eventually(async () => (await cp.stores.podStore.get('default', name))?.pod.status.phase === 'Running', 15000, 'Running');
      const before = await cp.stores.podStore.get('default', name);

      const a = await asNode(nodeA);
      const forged = running(assigned.data.pod, nodeB, 2);
      forged.data.status.phase = 'Failed';
      await a.publish(TOPICS.podStatus, [forged]);
      const letter = await eventually(async () => deadLetters.events.find((e): e is DeadLetter => e.type === 'DeadLetter' && ((e as DeadLetter).data.value ?? '').includes(forged.id)), 15000, 'the forged status dead-lettered');
      expect(letter.data.reason).toBe(`status-recorder: node authentication: record for node ${nodeB} sent by node-${nodeA}`);
      const after = await cp.stores.podStore.get('default', name);
      expect(after!.version).toBe(before!.version);
      expect(after!.pod.status.phase).toBe('Running');
    } finally {
      await assignments.stop();
    }
  });

  it("never hands the cluster's agent token to an endpoint: a forged one is dead-lettered, and a node's own gets a token that opens that node only", async () => {
    const seen: (string | undefined)[] = [];
    const listener = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.end('not a real agent\n');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    const assignments = await collect(cp.kafka, TOPICS.nodeAssignments);
    try {
      const name = `sec-logs-${suffix}`;
      expect((await cp.request('POST', '/api/v1/namespaces/default/pods', { metadata: { name }, spec: { containers: [{ name: 'app', image: 'podflow/base:1' }] } })).status).toBe(201);
      const assigned = (await eventually(async () => assignments.events.find((e: Envelope) => e.type === 'PodAssigned' && (e as PodAssigned).data.pod.metadata.name === name), 15000, 'the pod bound')) as PodAssigned;
      expect(assigned.data.nodeName).toBe(nodeB);
      const withEndpoint = (bootId: string) => {
        const hb = heartbeat(nodeB, { bootId });
        hb.data.node.endpoint = endpoint;
        return hb;
      };

      // Another node points nodeB's endpoint at the listener: dead-lettered, and no log read reaches the listener.
      await (await asNode(nodeA)).publish(TOPICS.nodeHeartbeats, [withEndpoint('theft-boot')]);
      await eventually(async () => lettersAbout('theft-boot')[0], 15000, 'the forged endpoint dead-lettered');
      expect((await cp.stores.nodeStore.get(nodeB))!.node.endpoint).toBeUndefined();
      const refused = await cp.request('GET', `/api/v1/namespaces/default/pods/${name}/log`);
      expect(refused.status).toBe(400);
      expect(seen).toEqual([]);

      // nodeB itself (say, compromised) points there: the listener gets nodeB's own token, which opens no other agent.
      await (await asNode(nodeB)).publish(TOPICS.nodeHeartbeats, [withEndpoint('own-boot')]);
      await eventually(async () => (await cp.stores.nodeStore.get(nodeB))?.node.endpoint === endpoint, 15000, 'the endpoint recorded');
      await cp.request('GET', `/api/v1/namespaces/default/pods/${name}/log`);
      expect(seen).toEqual([`Bearer ${nodeAgentToken(cp.env.AGENT_TOKEN, nodeB)}`]);
      expect(seen[0]).not.toContain(cp.env.AGENT_TOKEN);
      expect(nodeAgentToken(cp.env.AGENT_TOKEN, nodeA)).not.toBe(nodeAgentToken(cp.env.AGENT_TOKEN, nodeB));
    } finally {
      await assignments.stop();
      listener.close();
    }
  });

  it('refuses a client without credentials, and one with a wrong password', async () => {
    const { brokers } = suiteParts();
    const attempt = async (kafka: Kafka) => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.listTopics();
        return 'listed';
      } catch (err) {
        return (err as Error).name;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    };
    const quiet = { brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2000 };
    expect(await attempt(new Kafka({ ...quiet, clientId: 'anonymous' }))).toMatch(/^KafkaJS(ConnectionClosedError|ConnectionError|NumberOfRetriesExceeded)/);
    expect(await attempt(new Kafka({ ...quiet, clientId: 'wrong', sasl: { mechanism: 'scram-sha-512', username: `node-${nodeA}`, password: 'not-the-password' } }))).toBe('KafkaJSSASLAuthenticationError');
  });
});
