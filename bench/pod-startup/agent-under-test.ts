/**
 * What the pod benchmarks measure: a real broker and one podflow agent on
 * Docker, fed PodAssigned / PodUnassigned records directly (no control
 * plane), with a watch on pod-status. Started and stopped as one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { createAgent, type Agent } from '../../agent/agent';
import { DockerRuntime } from '../../agent/runtime/docker';
import { DEFAULT_BACKOFF } from '../../agent/sync/backoff';
import { makeKafka } from '../../shared/adapters/kafka/client';
import { KafkaPublisher } from '../../shared/adapters/kafka/publisher';
import { ensureTopics } from '../../shared/adapters/kafka/topics';
import { makeEvent, TOPICS, type PodAssigned, type PodUnassigned } from '../../shared/events';
import { TOPIC_SPECS } from '../../shared/events/topics';
import { startKafkaBroker } from '../../shared/local/kafka';
import type { Logger } from '../../shared/ports';
import type { Pod } from '../../shared/pod/schema';
import { cleanupDocker } from './baselines';
import { PodStatusWatch } from './podflow';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (o, m) => console.error(m, o), child: () => silent };

export interface AgentUnderTest {
  kafka: Kafka;
  publisher: KafkaPublisher;
  agent: Agent;
  watch: PodStatusWatch;
  nodeName: string;
  assign(pod: Pod): Promise<void>;
  unassign(pod: Pod): Promise<void>;
  stop(): Promise<void>;
}

export async function startAgentUnderTest(runId: string, clientId: string): Promise<AgentUnderTest> {
  const brokerDir = mkdtempSync(path.join(os.tmpdir(), 'podflow-bench-kafka-'));
  const broker = await startKafkaBroker({ dataDir: path.join(brokerDir, 'data'), credentialsDir: path.join(brokerDir, 'kafka-auth'), logFile: path.join(brokerDir, 'kafka.log') });
  const kafka = makeKafka({ brokers: broker.brokers, clientId, sasl: broker.adminSasl });
  await ensureTopics(kafka, TOPIC_SPECS);
  const publisher = KafkaPublisher.fromKafka(kafka);
  await publisher.connect();
  const nodeName = `bench-${runId}`;
  const agent = await createAgent({
    settings: { nodeName, labels: {}, maxPods: 110, allowPrivileged: false, allowHostPath: false, heartbeatIntervalMs: 10_000, resyncIntervalMs: 10_000, backoff: DEFAULT_BACKOFF, pauseImage: 'podflow/pause:1', logPort: null, logToken: '' },
    runtime: new DockerRuntime({ network: 'podflow' }),
    publisher,
    logger: silent,
    kafka,
  });
  const running = agent.run();
  const watch = await PodStatusWatch.start(kafka);
  await agent.whenReady();
  const time = () => ({ source: 'bench', time: new Date() });
  return {
    kafka,
    publisher,
    agent,
    watch,
    nodeName,
    assign: (p) => publisher.publish(TOPICS.nodeAssignments, [makeEvent<PodAssigned>('PodAssigned', nodeName, { nodeName, pod: { ...p, spec: { ...p.spec, nodeName } } }, time())]),
    unassign: (p) =>
      publisher.publish(TOPICS.nodeAssignments, [
        makeEvent<PodUnassigned>('PodUnassigned', nodeName, { nodeName, namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid, gracePeriodSeconds: 0, reason: 'bench' }, time()),
      ]),
    stop: async () => {
      await agent.shutdown();
      await running.catch(() => undefined);
      await watch.stop();
      await publisher.disconnect();
      await broker.stop();
      rmSync(brokerDir, { recursive: true, force: true });
      await cleanupDocker(`podflow.node=${nodeName}`);
    },
  };
}
