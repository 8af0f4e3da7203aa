/** Given/when/then builders for the pod decider and status projection tests. */
import { makeEvent, type PodCreateRequested, type PodDeleteRequested, type PodEvictionRequested, type PodStatusReported, type PodStopped } from '../../../shared/events';
import type { DecideContext, PodDecision } from '../../../shared/pod/decider';
import type { Pod } from '../../../shared/pod/schema';
import type { PodRecord } from '../../../shared/ports';

export const T0 = new Date('2026-01-01T00:00:00Z');
export const T1 = new Date('2026-01-01T00:05:00Z');

export function context(now = T1): DecideContext {
  let rv = 100;
  return { now, source: 'pod-controller', nextResourceVersion: () => String(++rv) };
}

export function createRequest(id: string, name = 'web'): PodCreateRequested {
  return makeEvent<PodCreateRequested>('PodCreateRequested', `default/${name}`, { pod: { metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'podflow/web:1' }] } } }, { source: 'api', time: T0, id });
}

export function deleteRequest(id: string, o: { uid?: string; gracePeriodSeconds?: number } = {}): PodDeleteRequested {
  return makeEvent<PodDeleteRequested>('PodDeleteRequested', 'default/web', { namespace: 'default', name: 'web', ...o }, { source: 'api', time: T1, id });
}

export function evictionRequest(id: string, uid: string): PodEvictionRequested {
  return makeEvent<PodEvictionRequested>(
    'PodEvictionRequested',
    'default/web',
    { namespace: 'default', name: 'web', uid, nodeName: 'node-a', reason: 'NodeLost', message: 'Node node-a which was running pod web is unresponsive' },
    { source: 'node-lifecycle', time: T1, id },
  );
}

export function statusReport(o: { uid: string; nodeName?: string; bootId?: string; sequence: number; phase?: 'Pending' | 'Running' }): PodStatusReported {
  return makeEvent<PodStatusReported>(
    'PodStatusReported',
    'default/web',
    { namespace: 'default', name: 'web', uid: o.uid, nodeName: o.nodeName ?? 'node-a', bootId: o.bootId ?? 'boot-1', sequence: o.sequence, status: { phase: o.phase ?? 'Running' }, events: [{ type: 'Normal', reason: 'Started', message: 'Started container app', time: T1.toISOString() }] },
    { source: 'node-a', time: T1, id: `status-${o.sequence}` },
  );
}

export function stopped(uid: string, id = 'stop-1'): PodStopped {
  return makeEvent<PodStopped>('PodStopped', 'default/web', { namespace: 'default', name: 'web', uid, nodeName: 'node-a', events: [] }, { source: 'node-a', time: T1, id });
}

/** A stored pod: `bound` puts it on node-a, `terminating` gives it a deletionTimestamp, `deleted` makes it a tombstone. */
export function stored(o: { uid: string; version?: number; bound?: boolean; terminating?: boolean; deleted?: boolean; evicted?: boolean; statusSequence?: number }): PodRecord {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: o.uid,
      resourceVersion: '7',
      creationTimestamp: T0.toISOString(),
      ...(o.terminating || o.evicted ? { deletionTimestamp: T0.toISOString(), deletionGracePeriodSeconds: o.evicted ? 0 : 30 } : {}),
    },
    spec: { containers: [{ name: 'app', image: 'podflow/web:1', imagePullPolicy: 'IfNotPresent' }], restartPolicy: 'Always', terminationGracePeriodSeconds: 30, ...(o.bound ? { nodeName: 'node-a' } : {}) },
    status: { phase: o.bound ? 'Running' : 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True' }] },
  };
  return {
    namespace: 'default',
    name: 'web',
    uid: o.uid,
    version: o.version ?? 3,
    pod,
    deleted: o.deleted ?? o.evicted ?? false,
    ...(o.bound ? { nodeName: 'node-a' } : {}),
    ...(o.statusSequence !== undefined ? { statusBootId: 'boot-1', statusSequence: o.statusSequence } : {}),
  };
}

/** What a decision sends, as `topic type id [change]` lines: the shape a reader checks first. */
export function sent(decision: PodDecision): string[] {
  if (decision.kind === 'ignore') return [];
  return decision.outbound.map(({ topic, event }) => {
    const change = event.type === 'PodChanged' ? ` ${(event.data as { change: string }).change}` : '';
    return `${topic} ${event.type} ${event.id}${change}`;
  });
}
