/**
 * status-recorder: projects the agents' reports (pod-status) onto the Pods
 * table and the pod's history, and ends terminating pods once their node
 * confirms the containers stopped, giving the node's reservation back.
 */
import type { PodStatusEvent } from '../../shared/events';
import { nextResourceVersion } from '../../shared/kube/resource-version';
import { applyStatusEvent } from '../../shared/pod/status-projection';
import type { ControlPlaneDeps } from '../../shared/ports';
import { decideAndExecute } from '../../shared/runtime/execute';

export type StatusRecorderDeps = ControlPlaneDeps;

export function makeStatusRecorder(deps: StatusRecorderDeps) {
  return async function handle(event: PodStatusEvent): Promise<void> {
    const { namespace, name } = event.data;
    const decision = await decideAndExecute(deps, namespace, name, (state) =>
      applyStatusEvent(state, event, { now: deps.clock.now(), source: 'status-recorder', nextResourceVersion }),
    );
    if (decision.kind === 'ignore') deps.logger.debug({ id: event.id, reason: decision.reason }, 'ignored');
  };
}
