/**
 * `describe pod`: identity, placement, labels, status, IPs, the controller,
 * containers, conditions, volumes, QoS, node selectors, tolerations and the
 * Events table from the pod's history, laid out as kubectl's describePod.
 */
import type { Pod } from '../../../shared/display/kube-types';
import type { CoreEvent } from '../../../shared/display/kube-types';
import { humanDuration, rfc1123z } from '../../../shared/display/age';
import { describeContainers, describeVolumes } from './containers';
import { describeEvents } from './events';
import { LEVEL_0, LEVEL_1, PrefixWriter, printAnnotationsMultiline, printLabelsMultiline } from './writer';

/** The QoS class: the server's, else computed from requests and limits as Kubernetes does. */
export function qosClass(pod: Pod): string {
  if (pod.status?.qosClass) return pod.status.qosClass;
  const containers = pod.spec.containers;
  const any = containers.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  if (!any) return 'BestEffort';
  const guaranteed = containers.every((c) => {
    const limits = c.resources?.limits ?? {};
    const requests = c.resources?.requests ?? {};
    return (
      ['cpu', 'memory'].every((r) => limits[r] !== undefined) &&
      Object.entries(requests).every(([r, q]) => limits[r] !== undefined && String(limits[r]) === String(q))
    );
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function tolerationText(t: NonNullable<Pod['spec']['tolerations']>[number]): string {
  let s = t.key ?? '';
  if (t.value) s += `=${t.value}`;
  if (t.effect) s += `:${t.effect}`;
  if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
  if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) s += ` for ${t.tolerationSeconds}s`;
  return s;
}

export function describePod(pod: Pod, events: CoreEvent[] | undefined, now: Date): string {
  const w = new PrefixWriter();
  const { metadata: meta, spec, status = {} } = pod;
  w.write(LEVEL_0, `Name:\t${meta.name}\n`);
  w.write(LEVEL_0, `Namespace:\t${meta.namespace}\n`);
  w.write(LEVEL_0, `Node:\t${spec.nodeName ? `${spec.nodeName}/${status.hostIP ?? ''}` : '<none>'}\n`);
  if (status.startTime) w.write(LEVEL_0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  printLabelsMultiline(w, 'Labels', meta.labels);
  printAnnotationsMultiline(w, 'Annotations', meta.annotations);
  if (meta.deletionTimestamp && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
    const left = Date.parse(meta.deletionTimestamp) - now.getTime();
    w.write(LEVEL_0, `Status:\tTerminating (lasts ${humanDuration(Math.max(0, left))})\n`);
    w.write(LEVEL_0, `Termination Grace Period:\t${meta.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30}s\n`);
  } else {
    w.write(LEVEL_0, `Status:\t${status.phase ?? ''}\n`);
  }
  if (status.reason) w.write(LEVEL_0, `Reason:\t${status.reason}\n`);
  if (status.message) w.write(LEVEL_0, `Message:\t${status.message}\n`);
  w.write(LEVEL_0, `IP:\t${status.podIP ?? ''}\n`);
  const ips = status.podIPs ?? (status.podIP ? [{ ip: status.podIP }] : []);
  if (ips.length === 0) w.write(LEVEL_0, 'IPs:\t<none>\n');
  else {
    w.write(LEVEL_0, 'IPs:\n');
    for (const ip of ips) w.write(LEVEL_1, `IP:\t${ip.ip}\n`);
  }
  const controller = meta.ownerReferences?.find((o) => o.controller);
  if (controller) w.write(LEVEL_0, `Controlled By:\t${controller.kind}/${controller.name}\n`);
  if (status.nominatedNodeName) w.write(LEVEL_0, `NominatedNodeName:\t${status.nominatedNodeName}\n`);
  if (spec.initContainers?.length) describeContainers(w, 'Init Containers', spec.initContainers, status.initContainerStatuses ?? []);
  describeContainers(w, 'Containers', spec.containers, status.containerStatuses ?? []);
  if (status.conditions?.length) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\n');
    for (const c of status.conditions) w.write(LEVEL_1, `${c.type} \t${c.status} \n`);
  }
  describeVolumes(w, spec.volumes);
  w.write(LEVEL_0, `QoS Class:\t${qosClass(pod)}\n`);
  printLabelsMultiline(w, 'Node-Selectors', spec.nodeSelector);
  const tolerations = spec.tolerations ?? [];
  w.write(LEVEL_0, 'Tolerations:\t');
  if (tolerations.length === 0) w.writeLine('<none>');
  tolerations.forEach((t, i) => w.write(LEVEL_0, `${i === 0 ? '' : '\t'}${tolerationText(t)}\n`));
  if (events) describeEvents(events, w, now);
  return w.toString();
}
