/**
 * What this node must run, folded from its node-assignments partition (the log
 * is the truth: a restarted agent replays it). A uid once unassigned never runs
 * again, even if a duplicate PodAssigned arrives later (at-least-once delivery);
 * a PodAssigned for a name whose older uid still runs here stops the older uid,
 * so one name never has two incarnations on a node. A PodAssigned for a uid
 * already here carries an updated spec (a new image): the newer generation
 * wins, whatever order copies arrive in. Pure apart from mutating
 * the state it is given.
 */
import type { NodeAssignmentEvent } from '../../shared/events/node-assignments';
import type { Pod } from '../../shared/pod/schema';
import { podKey } from '../../shared/pod/schema';

export interface StopOrder {
  namespace: string;
  name: string;
  uid: string;
  graceSeconds: number;
  reason: string;
}

export interface DesiredState {
  /** Pods to run, by uid. */
  pods: Map<string, Pod>;
  /** Uids to stop (containers, sandbox, volumes), then report PodStopped. */
  stopping: Map<string, StopOrder>;
  /** Uids stopped and reported: never run again. */
  ended: Set<string>;
}

export function emptyDesiredState(): DesiredState {
  return { pods: new Map(), stopping: new Map(), ended: new Set() };
}

/** The uids whose worker must look again after the event. */
export type Change = { uid: string; kind: 'run' | 'stop' }[];

export function applyAssignment(state: DesiredState, event: NodeAssignmentEvent): Change {
  switch (event.type) {
    case 'PodAssigned': {
      const pod = event.data.pod;
      const uid = pod.metadata.uid;
      if (state.ended.has(uid) || state.stopping.has(uid)) return [];
      // An update re-assigns the same uid with a newer spec; a late copy of an older assignment never undoes it.
      const known = state.pods.get(uid);
      if (known && (known.metadata.generation ?? 1) > (pod.metadata.generation ?? 1)) return [];
      const changes: Change = [];
      const key = podKey(pod.metadata.namespace, pod.metadata.name);
      for (const [otherUid, other] of state.pods) {
        if (otherUid !== uid && podKey(other.metadata.namespace, other.metadata.name) === key) {
          state.pods.delete(otherUid);
          state.stopping.set(otherUid, {
            namespace: other.metadata.namespace,
            name: other.metadata.name,
            uid: otherUid,
            graceSeconds: other.spec.terminationGracePeriodSeconds ?? 30,
            reason: `replaced by uid ${uid}`,
          });
          changes.push({ uid: otherUid, kind: 'stop' });
        }
      }
      state.pods.set(uid, pod);
      changes.push({ uid, kind: 'run' });
      return changes;
    }
    case 'PodUnassigned': {
      const { namespace, name, uid, gracePeriodSeconds, reason } = event.data;
      if (state.ended.has(uid)) return [];
      state.pods.delete(uid);
      const earlier = state.stopping.get(uid);
      const graceSeconds = earlier ? Math.min(earlier.graceSeconds, gracePeriodSeconds) : gracePeriodSeconds;
      state.stopping.set(uid, { namespace, name, uid, graceSeconds, reason });
      return [{ uid, kind: 'stop' }];
    }
    default: {
      const unreachable: never = event;
      throw new Error(`unknown assignment ${String((unreachable as { type: string }).type)}`);
    }
  }
}

export function markEnded(state: DesiredState, uid: string): void {
  state.stopping.delete(uid);
  state.pods.delete(uid);
  state.ended.add(uid);
}
