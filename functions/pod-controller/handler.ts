/**
 * pod-controller: applies pod commands (create, delete, evict) from pod-events
 * through the pod decider. Stateless: the Pods table is the only memory, and
 * every write is conditional on the version it read.
 */
import { createHash } from 'node:crypto';
import type { PodCreateRequested, PodEvent } from '../../shared/events';
import { decide, type DecideContext, type PodCommand } from '../../shared/pod/decider';
import { invalid } from '../../shared/kube/status';
import { nextResourceVersion } from '../../shared/kube/resource-version';
import { semanticCauses } from '../../shared/pod/validate';
import type { ControlPlaneDeps } from '../../shared/ports';
import type { StatusCause } from '../../shared/events/status';
import { decideAndExecute, publishAll } from '../../shared/runtime/execute';
import { makeEvent, TOPICS, type PodRequestRejected } from '../../shared/events';

export interface PodControllerDeps extends ControlPlaneDeps {
  source?: string;
  /**
   * The cluster's admission (shared/pod/admission.ts), applied to every create
   * whoever published it: the API has checked already, a producer outside it
   * and a replication controller's template are checked here.
   */
  admit: (pod: unknown) => StatusCause[];
}

/** generateName gets a suffix derived from the request id, so a replay picks the same name. */
export function resolveName(cmd: PodCreateRequested): string | undefined {
  const meta = cmd.data.pod.metadata;
  if (meta.name) return meta.name;
  if (!meta.generateName) return undefined;
  const suffix = createHash('sha256').update(cmd.id).digest('hex').replace(/[^a-z0-9]/g, '').slice(0, 5);
  return `${meta.generateName}${suffix}`;
}

export function makePodController(deps: PodControllerDeps) {
  const source = deps.source ?? 'pod-controller';
  return async function handle(event: PodEvent): Promise<void> {
    if (event.type === 'PodAccepted' || event.type === 'PodScheduleRequested') return; // the scheduler's
    const ctx = (): DecideContext => ({ now: deps.clock.now(), source, nextResourceVersion });
    let command: PodCommand = event;
    let namespace: string;
    let name: string;
    if (event.type === 'PodCreateRequested') {
      namespace = event.data.pod.metadata.namespace ?? 'default';
      const causes = [...semanticCauses(event.data.pod), ...deps.admit({ ...event.data.pod, metadata: { ...event.data.pod.metadata, namespace } })];
      const resolved = resolveName(event);
      if (causes.length || !resolved) {
        const status = invalid('Pod', event.data.pod.metadata.name ?? event.data.pod.metadata.generateName ?? '', causes);
        const key = `${namespace}/${resolved ?? ''}`;
        const rejection = makeEvent<PodRequestRejected>('PodRequestRejected', key, { namespace, name: resolved ?? '', status }, { source, time: deps.clock.now(), id: `${event.id}:rejected`, causationId: event.id });
        await publishAll(deps.publisher, [{ topic: TOPICS.podChanges, event: rejection }]);
        return;
      }
      name = resolved;
      command = { ...event, data: { pod: { ...event.data.pod, metadata: { ...event.data.pod.metadata, name, namespace } } } };
    } else {
      ({ namespace, name } = event.data);
    }
    const decision = await decideAndExecute(deps, namespace, name, (state) => decide(state, command, ctx()));
    if (decision.kind === 'ignore') deps.logger.debug({ id: event.id, reason: decision.reason }, 'ignored');
  };
}
