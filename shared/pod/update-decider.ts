/**
 * The pod decider's update step (PodUpdateRequested): the stored pod takes the
 * request's labels, annotations, managed fields and spec when the request is
 * bound to this incarnation and to the version it read, and the update rules
 * allow the change. The spec's generation moves with every spec change. A
 * bound pod whose containers changed is assigned again to its node with the
 * new spec, so the agent restarts exactly the changed containers in place.
 * Idempotent: a replayed request finds the pod already as it asks and
 * re-publishes the change (outbox), without a new version.
 */
import { isDeepStrictEqual } from 'node:util';
import { makeEvent, TOPICS, type PodAssigned, type PodUpdateRequested } from '../events';
import type { PodRecord } from '../ports';
import { changed, historyEntry, rejected, type DecideContext, type Outbound, type PodDecision } from './decider';
import { conflict, invalid, notFound } from '../kube/status';
import { annotationCauses, labelCauses } from '../kube/meta-rules';
import { withSpecDefaults } from './defaults';
import type { Pod } from './schema';
import { changedImages, podUpdateCauses, updatedSpec } from './update-rules';

export const MODIFIED_SINCE = 'the object has been modified; please apply your changes to the latest version and try again';

export function decideUpdate(state: PodRecord | null, cmd: PodUpdateRequested, ctx: DecideContext): PodDecision {
  const { namespace, name, uid } = cmd.data;
  if (!state || state.deleted) return rejected(namespace, name, notFound('pods', name), ctx, cmd.id);
  if (state.uid !== uid) return rejected(namespace, name, conflict('pods', name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${state.uid}`), ctx, cmd.id);
  const current = state.pod;
  const spec = updatedSpec(current, cmd.data.spec);
  const meta = cmd.data.metadata;
  const wanted = { labels: meta.labels, annotations: meta.annotations, managedFields: meta.managedFields };
  const have = { labels: current.metadata.labels, annotations: current.metadata.annotations, managedFields: current.metadata.managedFields };
  const same = isDeepStrictEqual(strip(wanted), strip(have)) && isDeepStrictEqual(spec, withSpecDefaults(current.spec));
  // A replay of an update already applied (or a no-op update): nothing new to store.
  if (same) return { kind: 'publish', outbound: [changed('MODIFIED', current, ctx, `${cmd.id}:modified`, cmd.id)] };
  if (cmd.data.resourceVersion && cmd.data.resourceVersion !== current.metadata.resourceVersion) {
    return rejected(namespace, name, conflict('pods', name, MODIFIED_SINCE), ctx, cmd.id);
  }
  // The same rules the API applies, so an outside producer on pod-events gets the same answer.
  const causes = [...labelCauses(meta.labels, 'metadata.labels'), ...annotationCauses(meta.annotations, 'metadata.annotations'), ...podUpdateCauses(current, { metadata: {}, spec: cmd.data.spec })];
  if (causes.length) return rejected(namespace, name, invalid('Pod', name, causes), ctx, cmd.id);

  const specChanged = !isDeepStrictEqual(spec, withSpecDefaults(current.spec));
  const metadata: Pod['metadata'] = { ...current.metadata, resourceVersion: ctx.nextResourceVersion() };
  for (const key of ['labels', 'annotations', 'managedFields'] as const) {
    if (wanted[key] === undefined || (Array.isArray(wanted[key]) && wanted[key].length === 0)) delete metadata[key];
    else (metadata as Record<string, unknown>)[key] = wanted[key];
  }
  if (specChanged) metadata.generation = (current.metadata.generation ?? 1) + 1;
  const pod: Pod = { ...current, metadata, spec };
  const images = changedImages(current.spec, spec);
  const time = ctx.now.toISOString();
  const outbound: Outbound[] = [changed('MODIFIED', pod, ctx, `${cmd.id}:modified`, cmd.id)];
  // The node needs the pod again when its spec changed, or when a downwardAPI volume shows the labels or annotations that did.
  const shownMetaChanged = pod.spec.volumes?.some((v) => v.downwardAPI) && !(isDeepStrictEqual(wanted.labels, have.labels) && isDeepStrictEqual(wanted.annotations, have.annotations));
  if (state.nodeName && (specChanged || shownMetaChanged) && !pod.metadata.deletionTimestamp) {
    outbound.push({
      topic: TOPICS.nodeAssignments,
      event: makeEvent<PodAssigned>('PodAssigned', state.nodeName, { nodeName: state.nodeName, pod }, { source: ctx.source, time: ctx.now, id: `${cmd.id}:assigned`, causationId: cmd.id }),
    });
  }
  const what = [
    ...(isDeepStrictEqual(wanted.labels, have.labels) ? [] : ['labels']),
    ...(isDeepStrictEqual(wanted.annotations, have.annotations) ? [] : ['annotations']),
    ...images.map((c) => `image of container ${c} to ${[...(spec.initContainers ?? []), ...spec.containers].find((x) => x.name === c)?.image ?? ''}`),
    ...(spec.activeDeadlineSeconds !== withSpecDefaults(current.spec).activeDeadlineSeconds ? [`activeDeadlineSeconds to ${spec.activeDeadlineSeconds}`] : []),
    ...(isDeepStrictEqual(spec.tolerations, withSpecDefaults(current.spec).tolerations) ? [] : ['tolerations']),
  ];
  return {
    kind: 'write',
    record: { ...state, version: state.version + 1, pod },
    expectedVersion: state.version,
    outbound,
    history: [historyEntry(pod, { type: 'Normal', reason: 'Updated', message: `Pod ${namespace}/${name} updated: ${what.join(', ') || 'managed fields'}`, source: ctx.source }, cmd.id, time)],
  };
}

/** Empty maps and lists mean absent, as Kubernetes stores them. */
function strip(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0)));
}
