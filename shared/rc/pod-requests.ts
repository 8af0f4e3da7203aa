/**
 * The pod commands the controller publishes, built from what it decided: a
 * create for an RC slot (generateName `NAME-`, the template's labels,
 * annotations and spec, and the controller owner reference), a delete bound to
 * the pod's uid, and the history entries that link a lost pod to the pod that
 * replaced it (old uid → new uid), written on both pods' histories.
 */
import { makeEvent, type PodCreateRequested, type PodDeleteRequested } from '../events';
import type { HistoryEntry } from '../ports';
import type { Pod, PodManifest } from '../pod/schema';
import { generatedName, slotUid } from './ids';
import { podUid } from '../pod/uid';
import { ownerReferenceFor } from './ownership';
import type { ReplicationController } from './schema';

export const CONTROLLER_SOURCE = 'replication-controller';

export interface PlannedCreate {
  event: PodCreateRequested;
  /** The pod's name and uid once the pod-controller records it. */
  name: string;
  uid: string;
}

export function createForSlot(rc: ReplicationController, slot: number, now: Date): PlannedCreate {
  const id = slotUid(rc.metadata.uid, slot);
  const prefix = `${rc.metadata.name}-`;
  const name = generatedName(prefix, id);
  const uid = podUid(rc.metadata.namespace, name, id);
  const template = rc.spec.template;
  const metadata: PodManifest['metadata'] = {
    generateName: prefix,
    namespace: rc.metadata.namespace,
    labels: { ...(template.metadata?.labels ?? {}) },
    ownerReferences: [ownerReferenceFor({ name: rc.metadata.name, uid: rc.metadata.uid })],
  };
  if (template.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  const { nodeName: _n, ...spec } = template.spec;
  const event = makeEvent<PodCreateRequested>('PodCreateRequested', `${rc.metadata.namespace}/${name}`, { pod: { apiVersion: 'v1', kind: 'Pod', metadata, spec } }, { source: CONTROLLER_SOURCE, time: now, id });
  return { event, name, uid };
}

export function deleteOwned(pod: Pod, now: Date, why: string): PodDeleteRequested {
  const { namespace, name, uid } = pod.metadata;
  return makeEvent<PodDeleteRequested>('PodDeleteRequested', `${namespace}/${name}`, { namespace, name, uid }, { source: CONTROLLER_SOURCE, time: now, id: `${uid}:${why}` });
}

/** "after NodeLost on node-1" / "after it was deleted". */
export function lossDescription(old: Pod): string {
  const reason = old.status.reason;
  const node = old.spec.nodeName;
  if (reason) return `after ${reason}${node ? ` on ${node}` : ''}`;
  return node ? `after it was deleted from ${node}` : 'after it was deleted';
}

/** `Replaced` on the old pod's history and `ReplacementFor` on the new one's: the chain old uid → new uid. */
export function replacementHistory(old: Pod, replacement: { name: string; uid: string }, now: Date, source = CONTROLLER_SOURCE): HistoryEntry[] {
  const time = now.toISOString();
  const loss = lossDescription(old);
  const { namespace } = old.metadata;
  return [
    {
      namespace,
      name: old.metadata.name,
      uid: old.metadata.uid,
      time,
      eventId: `${replacement.uid}:replaces`,
      index: 0,
      type: 'Normal',
      reason: 'Replaced',
      message: `replaced by pod ${replacement.name} (uid ${replacement.uid}) ${loss}`,
      source,
    },
    {
      namespace,
      name: replacement.name,
      uid: replacement.uid,
      time,
      eventId: `${replacement.uid}:replacement-for`,
      index: 0,
      type: 'Normal',
      reason: 'ReplacementFor',
      message: `replacement for pod ${old.metadata.name} (uid ${old.metadata.uid}) ${loss}`,
      source,
    },
  ];
}
