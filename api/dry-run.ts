/**
 * Server-side dry run (`?dryRun=All`): the same pure decision the
 * pod-controller would take on the command, taken here on the stored state
 * and answered without publishing anything, so a dry run admits, validates
 * and refuses exactly as the real request would and leaves nothing behind.
 */
import { decide, type PodCommand } from '../shared/pod/decider';
import type { K8sStatus } from '../shared/events';
import type { Pod } from '../shared/pod/schema';
import type { PodRecord } from '../shared/ports';
import { notFound } from '../shared/kube/status';

export type DryRunOutcome = { ok: true; pod: Pod } | { ok: false; status: K8sStatus };

export function dryRun(state: PodRecord | null, command: PodCommand, now: Date): DryRunOutcome {
  const decision = decide(state, command, { now, source: 'api', nextResourceVersion: () => state?.pod.metadata.resourceVersion ?? '' });
  if (decision.kind === 'write') {
    const { resourceVersion: _rv, ...metadata } = decision.record.pod.metadata;
    return { ok: true, pod: { ...decision.record.pod, metadata: state ? decision.record.pod.metadata : (metadata as Pod['metadata']) } };
  }
  if (decision.kind === 'publish') {
    const refusal = decision.outbound.find((o) => o.event.type === 'PodRequestRejected');
    if (refusal) return { ok: false, status: (refusal.event.data as { status: K8sStatus }).status };
  }
  if (state && !state.deleted) return { ok: true, pod: state.pod };
  return { ok: false, status: notFound('pods', state?.name ?? '') };
}
