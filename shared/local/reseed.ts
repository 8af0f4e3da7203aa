/**
 * Re-publishes what every node should run from the Pods table, for a broker
 * that lost its log (the local mock keeps it in memory only). Idempotent: the
 * agents fold assignments by uid, and the ids repeat per pod version.
 */
import { makeEvent, TOPICS, type PodAssigned, type PodUnassigned } from '../events';
import type { PodStore, Publisher } from '../ports';

export async function reseedAssignments(podStore: PodStore, publisher: Publisher): Promise<number> {
  const bound = (await podStore.list()).filter((r) => r.nodeName);
  const time = new Date();
  const events = bound.flatMap((r) => {
    const nodeName = r.nodeName!;
    const assigned = makeEvent<PodAssigned>('PodAssigned', nodeName, { nodeName, pod: r.pod }, { source: 'reseed', time, id: `reseed:${r.uid}:${r.version}:assigned` });
    if (!r.pod.metadata.deletionTimestamp) return [assigned];
    const grace = r.pod.metadata.deletionGracePeriodSeconds ?? 30;
    return [
      assigned,
      makeEvent<PodUnassigned>('PodUnassigned', nodeName, { nodeName, namespace: r.namespace, name: r.name, uid: r.uid, gracePeriodSeconds: grace, reason: 'Deleted' }, { source: 'reseed', time, id: `reseed:${r.uid}:${r.version}:unassigned` }),
    ];
  });
  await publisher.publish(TOPICS.nodeAssignments, events);
  return bound.length;
}
