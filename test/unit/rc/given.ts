/** Builders for RC unit tests: an RC record, pods it owns in each state, and a fixed clock. */
import { makeEvent, type RcEvent } from '../../../shared/events';
import type { PodRecord } from '../../../shared/ports';
import type { Pod } from '../../../shared/pod/schema';
import { ownerReferenceFor } from '../../../shared/rc/ownership';
import type { RcRecord } from '../../../shared/rc/record';
import type { ReconcileContext } from '../../../shared/rc/reconcile';
import type { ReplicationController } from '../../../shared/rc/schema';

export const T0 = new Date('2026-01-01T00:00:00.000Z');
export const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
export const iso = (seconds: number) => at(seconds).toISOString();

let rv = 1000;
export const nextRv = () => String(++rv);

export function ctx(now = T0, o: Partial<ReconcileContext> = {}): ReconcileContext {
  return { now, nextResourceVersion: nextRv, resendAfterMs: 5_000, pendingTimeoutMs: 60_000, lostWindowMs: 600_000, ...o };
}

export function anRc(o: { replicas?: number; uid?: string; generation?: number; rv?: string } = {}): ReplicationController {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'web', namespace: 'default', uid: o.uid ?? 'rc-uid-1', resourceVersion: o.rv ?? '1', generation: o.generation ?? 1, creationTimestamp: iso(-100) },
    spec: { replicas: o.replicas ?? 3, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'podflow/web:1' }] } } },
    status: { replicas: 0 },
  };
}

export function aRecord(o: Partial<RcRecord> & { replicas?: number } = {}): RcRecord {
  const { replicas, ...rest } = o;
  const rc = o.rc ?? anRc({ replicas });
  return { namespace: 'default', name: 'web', uid: rc.metadata.uid, version: 3, rc, deleted: false, nextSlot: 0, pending: [], deleting: [], settled: [], requests: [], ...rest };
}

type PodState = 'pending' | 'scheduled' | 'running' | 'ready' | 'terminating' | 'deleted' | 'lost';

/** A pod owned by `owner` (the RC uid) in the given state, created `createdAt` seconds after T0. */
export function anOwnedPod(name: string, state: PodState, o: { createdAt?: number; owner?: string; node?: string } = {}): PodRecord {
  const uid = `uid-${name}`;
  const node = state === 'pending' ? undefined : (o.node ?? 'node-1');
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid,
      resourceVersion: '1',
      creationTimestamp: iso(o.createdAt ?? 0),
      labels: { app: 'web' },
      ownerReferences: [ownerReferenceFor({ name: 'web', uid: o.owner ?? 'rc-uid-1' })],
    },
    spec: { containers: [{ name: 'app', image: 'podflow/web:1' }], ...(node ? { nodeName: node } : {}) },
    status: { phase: state === 'pending' || state === 'scheduled' ? 'Pending' : 'Running' },
  };
  if (state === 'ready') pod.status.conditions = [{ type: 'Ready', status: 'True' }];
  if (state === 'running') pod.status.conditions = [{ type: 'Ready', status: 'False' }];
  if (state === 'terminating' || state === 'deleted') pod.metadata.deletionTimestamp = iso(-1);
  if (state === 'lost') {
    pod.metadata.deletionTimestamp = iso(-1);
    pod.status = { ...pod.status, phase: 'Failed', reason: 'NodeLost', message: 'node node-1 was lost' };
  }
  return { namespace: 'default', name, uid, version: 1, pod, nodeName: node, deleted: state === 'deleted' || state === 'lost' };
}

export function rcCommand<T extends RcEvent['type']>(type: T, id: string, data: Extract<RcEvent, { type: T }>['data']): RcEvent {
  return makeEvent<RcEvent>(type as RcEvent['type'], 'default/web', data as RcEvent['data'], { source: 'test', time: T0, id });
}
