/** The podflow side of the benchmark: assign a pod, time until the agent reports it Running, then stop it. */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { KafkaPublisher } from '../../shared/adapters/kafka/publisher';
import { makeEvent, TOPICS, type PodAssigned, type PodStatusEvent, type PodUnassigned } from '../../shared/events';
import type { Pod } from '../../shared/pod/schema';

export interface BenchPod {
  name: string;
  namespace: string;
}

export const SLEEPER = ['sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"];

/** Follows pod-status and resolves waiters by uid. */
export class PodStatusWatch {
  private readonly waiters = new Map<string, { test: (e: PodStatusEvent) => boolean; resolve: () => void }>();

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka): Promise<PodStatusWatch> {
    const consumer = kafka.consumer({ groupId: `bench-watch-${randomUUID()}`, maxWaitTimeInMs: 10 });
    const watch = new PodStatusWatch(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.podStatus, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        const event = JSON.parse(message.value.toString()) as PodStatusEvent;
        const w = watch.waiters.get(event.data.uid);
        if (w && w.test(event)) {
          watch.waiters.delete(event.data.uid);
          w.resolve();
        }
      },
    });
    // Let the group settle so the first measured pod does not pay for the join.
    await new Promise((r) => setTimeout(r, 500));
    return watch;
  }

  waitFor(uid: string, test: (e: PodStatusEvent) => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(uid);
        reject(new Error(`pod ${uid}: no matching status within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(uid, { test, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

export function benchPod(p: BenchPod): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: p.namespace, uid: randomUUID(), resourceVersion: '1', creationTimestamp: new Date().toISOString() },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        { name: 'shell', image: 'podflow/base:1', command: SLEEPER },
        { name: 'web', image: 'podflow/web:1' },
      ],
    },
    status: {},
  };
}

/** Returns ms from publishing PodAssigned to receiving PodStatusReported with every container running. */
export async function runPodflowPod(publisher: KafkaPublisher, watch: PodStatusWatch, nodeName: string, p: BenchPod): Promise<number> {
  const pod = benchPod(p);
  const uid = pod.metadata.uid;
  const running = watch.waitFor(
    uid,
    (e) => e.type === 'PodStatusReported' && e.data.status.phase === 'Running' && (e.data.status.containerStatuses ?? []).every((c) => c.state.running),
    30_000,
  );
  const started = performance.now();
  await publisher.publish(TOPICS.nodeAssignments, [makeEvent<PodAssigned>('PodAssigned', nodeName, { nodeName, pod: { ...pod, spec: { ...pod.spec, nodeName } } }, { source: 'bench', time: new Date() })]);
  await running;
  const elapsed = performance.now() - started;
  const stopped = watch.waitFor(uid, (e) => e.type === 'PodStopped', 30_000);
  await publisher.publish(TOPICS.nodeAssignments, [
    makeEvent<PodUnassigned>('PodUnassigned', nodeName, { nodeName, namespace: p.namespace, name: p.name, uid, gracePeriodSeconds: 0, reason: 'bench' }, { source: 'bench', time: new Date() }),
  ]);
  await stopped;
  return elapsed;
}
