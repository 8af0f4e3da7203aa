/**
 * Recovery that never depends on expired records. The node-assignments topic
 * keeps a limited time (shared/events/topics.ts); an agent that starts after
 * the records that started its pods expired would otherwise fence (stop)
 * healthy pods. So after replaying what the log retains, the agent reads its
 * pods from the Pods projection (what kubelet does with its list from the API
 * server) and fills in every pod the retained log did not mention. The log
 * wins wherever it speaks: it is newer than the projection's index can be.
 * Pure: records in, the assignments to deliver out.
 */
import { makeEvent, type NodeAssignmentEvent, type PodAssigned, type PodUnassigned } from '../../shared/events';
import { podKey } from '../../shared/pod/schema';
import type { PodRecord } from '../../shared/ports';

/** What the retained log mentioned: pod names (namespace/name) and uids. */
export interface SeenInLog {
  keys: ReadonlySet<string>;
  uids: ReadonlySet<string>;
}

/** The projection's reader: the pods bound to a node (the Pods table's byNode index). */
export interface NodePodsReader {
  list(query: { nodeName: string }): Promise<PodRecord[]>;
}

export function assignmentsFromProjection(nodeName: string, records: readonly PodRecord[], seen: SeenInLog, time: Date): NodeAssignmentEvent[] {
  const events: NodeAssignmentEvent[] = [];
  for (const r of records) {
    if (r.deleted || r.nodeName !== nodeName) continue;
    if (seen.uids.has(r.uid) || seen.keys.has(podKey(r.namespace, r.name))) continue;
    const source = `agent/${nodeName}/projection`;
    events.push(makeEvent<PodAssigned>('PodAssigned', nodeName, { nodeName, pod: r.pod }, { source, time, id: `projection:${r.uid}:${r.version}:assigned` }));
    if (r.pod.metadata.deletionTimestamp) {
      events.push(
        makeEvent<PodUnassigned>(
          'PodUnassigned',
          nodeName,
          { nodeName, namespace: r.namespace, name: r.name, uid: r.uid, gracePeriodSeconds: r.pod.metadata.deletionGracePeriodSeconds ?? 30, reason: 'Deleted' },
          { source, time, id: `projection:${r.uid}:${r.version}:unassigned` },
        ),
      );
    }
  }
  return events;
}
