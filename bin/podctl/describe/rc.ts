/**
 * `describe rc`: selector, replicas current/desired, pod phases among the pods
 * it selects, its pod template, conditions and events, as kubectl's
 * describeReplicationController.
 */
import type { CoreEvent, Pod, ReplicationController } from '../../../shared/display/kube-types';
import { formatSelector } from '../../../shared/display/rc-row';
import { describeContainers, describeVolumes } from './containers';
import { describeEvents } from './events';
import { LEVEL_0, LEVEL_1, PrefixWriter, printAnnotationsMultiline, printLabelsMultiline } from './writer';

/** Running / Waiting (pending) / Succeeded / Failed among the pods whose labels match the selector. */
export function podPhaseCounts(rc: ReplicationController, pods: Pod[]): { running: number; waiting: number; succeeded: number; failed: number } {
  const selector = Object.entries(rc.spec.selector ?? rc.spec.template?.metadata?.labels ?? {});
  const counts = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  if (selector.length === 0) return counts;
  for (const pod of pods) {
    if (pod.metadata.namespace !== rc.metadata.namespace) continue;
    if (!selector.every(([k, v]) => pod.metadata.labels?.[k] === v)) continue;
    const phase = pod.status?.phase;
    if (phase === 'Running') counts.running++;
    else if (phase === 'Pending') counts.waiting++;
    else if (phase === 'Succeeded') counts.succeeded++;
    else if (phase === 'Failed') counts.failed++;
  }
  return counts;
}

export function describeReplicationController(rc: ReplicationController, pods: Pod[], events: CoreEvent[] | undefined, now: Date): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${rc.metadata.name}\n`);
  w.write(LEVEL_0, `Namespace:\t${rc.metadata.namespace ?? ''}\n`);
  w.write(LEVEL_0, `Selector:\t${formatSelector(rc.spec.selector)}\n`);
  printLabelsMultiline(w, 'Labels', rc.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', rc.metadata.annotations);
  w.write(LEVEL_0, `Replicas:\t${rc.status?.replicas ?? 0} current / ${rc.spec.replicas ?? 1} desired\n`);
  const c = podPhaseCounts(rc, pods);
  w.write(LEVEL_0, `Pods Status:\t${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed\n`);
  w.write(LEVEL_0, 'Pod Template:\n');
  const template = rc.spec.template;
  if (!template) w.write(LEVEL_1, '<unset>\n');
  else {
    printLabelsMultiline(w, '  Labels', template.metadata?.labels);
    if (Object.keys(template.metadata?.annotations ?? {}).length) printAnnotationsMultiline(w, '  Annotations', template.metadata?.annotations);
    describeContainers(w, 'Containers', template.spec.containers, undefined, '  ');
    describeVolumes(w, template.spec.volumes, '  ');
  }
  const conditions = rc.status?.conditions ?? [];
  if (conditions.length) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(LEVEL_1, '----\t------\t------\n');
    for (const cond of conditions) w.write(LEVEL_1, `${cond.type} \t${cond.status}\t${cond.reason ?? ''}\n`);
  }
  if (events) describeEvents(events, w, now);
  return w.toString();
}
