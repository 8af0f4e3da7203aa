/**
 * Carries out a decision: first the conditional pod write, then its history,
 * the node release and the outbound events. A crash between steps is healed by
 * redelivery: the decider finds the stored state and repeats the publishing
 * (the outbox rule), and every step is idempotent.
 */
import type { PodDecision } from '../pod/decider';
import type { HistoryStore, NodeStore, PodRecord, PodStore, Publisher } from '../ports';
import { ConflictError } from '../errors';
import type { TopicName, Envelope } from '../events';

export interface ExecuteDeps {
  podStore: PodStore;
  historyStore: HistoryStore;
  nodeStore: NodeStore;
  publisher: Publisher;
}

export async function publishAll(publisher: Publisher, outbound: readonly { topic: TopicName; event: Envelope }[]): Promise<void> {
  const byTopic = new Map<TopicName, Envelope[]>();
  for (const o of outbound) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o.event]);
  await Promise.all([...byTopic].map(([topic, events]) => publisher.publish(topic, events)));
}

export async function executeDecision(decision: PodDecision, deps: ExecuteDeps): Promise<void> {
  if (decision.kind === 'ignore') return;
  // The conditional write decides; what follows it is idempotent and independent, so it runs
  // side by side (a crash part-way is healed by redelivery repeating all of it).
  if (decision.kind === 'write') await deps.podStore.put(decision.record, decision.expectedVersion);
  await Promise.all([
    decision.kind === 'write' && decision.history.length ? deps.historyStore.append(decision.history) : undefined,
    decision.release ? deps.nodeStore.release(decision.release.nodeName, decision.release.uid) : undefined,
    publishAll(deps.publisher, decision.outbound),
  ]);
}

/**
 * Reads the pod, decides, and executes; on a lost conditional write it reads
 * again and decides anew (the other writer may have changed the answer).
 */
export async function decideAndExecute(
  deps: ExecuteDeps,
  namespace: string,
  name: string,
  decideFn: (state: PodRecord | null) => PodDecision,
  attempts = 5,
): Promise<PodDecision> {
  for (let attempt = 1; ; attempt++) {
    const state = await deps.podStore.get(namespace, name);
    const decision = decideFn(state);
    try {
      await executeDecision(decision, deps);
      return decision;
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= attempts) throw err;
    }
  }
}
