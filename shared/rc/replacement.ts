/**
 * Same-name replacement of bare pods, opt-in by annotation: a pod annotated
 * `podflow.io/replace-on-node-loss: "true"`, without a controller, deleted
 * because its node was lost (status.reason NodeLost), comes back under the same
 * name with the same labels, annotations and spec and a NEW uid. The scheduler
 * places it again (not on the lost node, which is not Ready). Pure; the new
 * uid derives from the old one, so however often the loss is seen, one
 * replacement is requested.
 */
import { makeEvent, type PodCreateRequested } from '../events';
import type { HistoryEntry, PodRecord } from '../ports';
import type { Pod, PodManifest } from '../pod/schema';
import { replacementUid } from './ids';
import { podUid } from '../pod/uid';
import { controllerRef } from './ownership';
import { CONTROLLER_SOURCE, replacementHistory } from './pod-requests';

export const REPLACE_ON_NODE_LOSS = 'podflow.io/replace-on-node-loss';
export const NODE_LOST = 'NodeLost';

export type ReplacementDecision =
  | { kind: 'replace'; create: PodCreateRequested; history: HistoryEntry[] }
  | { kind: 'none'; reason: string };

export function wantsSameNameReplacement(pod: Pod): ReplacementDecision | null {
  if (pod.metadata.annotations?.[REPLACE_ON_NODE_LOSS] !== 'true') return { kind: 'none', reason: 'not annotated' };
  if (controllerRef(pod)) return { kind: 'none', reason: 'has a controller, which replaces it' };
  if (pod.status.reason !== NODE_LOST) return { kind: 'none', reason: `deleted for ${pod.status.reason ?? 'no reason'}, not NodeLost` };
  return null;
}

/** The replacement for a pod deleted after its node was lost, or why there is none. */
export function decideSameNameReplacement(pod: Pod, now: Date): ReplacementDecision {
  const refused = wantsSameNameReplacement(pod);
  if (refused) return refused;
  const id = replacementUid(pod.metadata.uid);
  const { name, namespace, labels, annotations, ownerReferences } = pod.metadata;
  const uid = podUid(namespace, name, id);
  const metadata: PodManifest['metadata'] = { name, namespace };
  if (labels) metadata.labels = { ...labels };
  if (annotations) metadata.annotations = { ...annotations };
  if (ownerReferences?.length) metadata.ownerReferences = ownerReferences;
  const { nodeName: _n, ...spec } = pod.spec;
  const create = makeEvent<PodCreateRequested>('PodCreateRequested', `${namespace}/${name}`, { pod: { apiVersion: 'v1', kind: 'Pod', metadata, spec } }, { source: CONTROLLER_SOURCE, time: now, id, causationId: pod.metadata.uid });
  return { kind: 'replace', create, history: replacementHistory(pod, { name, uid }, now) };
}

/**
 * For the periodic sweep: the stored name still holds the lost incarnation (no
 * replacement recorded yet), so the replacement must be (re)requested.
 */
export function needsSameNameReplacement(record: PodRecord, now: Date, windowMs: number): boolean {
  const lostAt = Date.parse(record.pod.metadata.deletionTimestamp ?? '') || 0;
  return record.deleted && record.uid === record.pod.metadata.uid && now.getTime() - lostAt < windowMs && wantsSameNameReplacement(record.pod) === null;
}
