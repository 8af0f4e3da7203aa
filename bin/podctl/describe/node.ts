/**
 * `describe node`: identity, taints, conditions with heartbeat times, addresses,
 * capacity and allocatable, system info, the pods bound to it with what they
 * request of it, the allocated totals, and the node's events.
 */
import { formatBytes, formatMilliCpu, toBytes, toMilliCpu } from '../../../shared/kube/quantity';
import type { CoreEvent, Node, Pod } from '../../../shared/display/kube-types';
import { age, rfc1123z } from '../../../shared/display/age';
import { nodeRoles } from '../../../shared/display/node-row';
import { describeEvents } from './events';
import { LEVEL_0, LEVEL_1, PrefixWriter, printAnnotationsMultiline, printLabelsMultiline, sortedKeys } from './writer';

interface Amounts {
  cpuRequests: number;
  cpuLimits: number;
  memoryRequests: number;
  memoryLimits: number;
}

function sum(pod: Pod): Amounts {
  const total: Amounts = { cpuRequests: 0, cpuLimits: 0, memoryRequests: 0, memoryLimits: 0 };
  for (const c of pod.spec.containers) {
    const { requests = {}, limits = {} } = c.resources ?? {};
    if (requests.cpu !== undefined) total.cpuRequests += toMilliCpu(requests.cpu);
    if (limits.cpu !== undefined) total.cpuLimits += toMilliCpu(limits.cpu);
    if (requests.memory !== undefined) total.memoryRequests += toBytes(requests.memory);
    if (limits.memory !== undefined) total.memoryLimits += toBytes(limits.memory);
  }
  return total;
}

function percent(part: number, whole: number): string {
  return `${whole > 0 ? Math.trunc((part / whole) * 100) : 0}%`;
}

/** Pods that hold resources on the node: bound to it and not finished. */
export function nonTerminatedPodsOn(node: string, pods: Pod[]): Pod[] {
  return pods.filter((p) => p.spec.nodeName === node && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
}

/** `usage`: the node's NodeMetrics usage (metrics.k8s.io), shown under Allocated resources when known. */
export function describeNode(node: Node, pods: Pod[] | undefined, events: CoreEvent[] | undefined, now: Date, usage?: { cpu: string; memory: string }): string {
  const w = new PrefixWriter();
  const status = node.status ?? {};
  w.write(LEVEL_0, `Name:\t${node.metadata.name}\n`);
  w.write(LEVEL_0, `Roles:\t${nodeRoles(node)}\n`);
  printLabelsMultiline(w, 'Labels', node.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', node.metadata.annotations);
  w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp)}\n`);
  const taints = node.spec?.taints ?? [];
  w.write(LEVEL_0, 'Taints:\t');
  if (taints.length === 0) w.writeLine('<none>');
  taints.forEach((t, i) => w.write(LEVEL_0, `${i === 0 ? '' : '\t'}${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}\n`));
  w.write(LEVEL_0, `Unschedulable:\t${node.spec?.unschedulable ? 'true' : 'false'}\n`);
  if (status.conditions?.length) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of status.conditions) {
      w.write(LEVEL_1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
    }
  }
  w.write(LEVEL_0, 'Addresses:\n');
  for (const a of status.addresses ?? []) w.write(LEVEL_1, `${a.type}:\t${a.address}\n`);
  for (const [title, list] of [['Capacity', status.capacity], ['Allocatable', status.allocatable]] as const) {
    if (!list || Object.keys(list).length === 0) continue;
    w.write(LEVEL_0, `${title}:\n`);
    for (const name of sortedKeys(list)) w.write(LEVEL_0, `  ${name}:\t${list[name]}\n`);
  }
  const info = status.nodeInfo ?? {};
  w.write(LEVEL_0, 'System Info:\n');
  const infoRows: [string, string | undefined][] = [
    ['Machine ID', info.machineID],
    ['System UUID', info.systemUUID],
    ['Boot ID', info.bootID],
    ['Kernel Version', info.kernelVersion],
    ['OS Image', info.osImage],
    ['Operating System', info.operatingSystem],
    ['Architecture', info.architecture],
    ['Container Runtime Version', info.containerRuntimeVersion],
    ['Kubelet Version', info.kubeletVersion],
  ];
  for (const [label, value] of infoRows) w.write(LEVEL_0, `  ${label}:\t${value ?? ''}\n`);
  if (node.spec?.podCIDR) w.write(LEVEL_0, `PodCIDR:\t${node.spec.podCIDR}\n`);
  if (pods) describeNodeResources(w, node, nonTerminatedPodsOn(node.metadata.name, pods), now);
  if (usage) {
    // What kubectl top node shows, beside what the pods ask for.
    const allocatable = node.status?.allocatable ?? {};
    const pct = (used: number, of: number | undefined) => (of ? ` (${Math.round((used / of) * 100)}%)` : '');
    const cpu = toMilliCpu(usage.cpu);
    const memory = toBytes(usage.memory);
    w.write(LEVEL_0, 'Resource usage (metrics.k8s.io):\n');
    w.write(LEVEL_1, `cpu\t${formatMilliCpu(cpu)}${pct(cpu, allocatable.cpu ? toMilliCpu(allocatable.cpu) : undefined)}\n`);
    w.write(LEVEL_1, `memory\t${formatBytes(memory)}${pct(memory, allocatable.memory ? toBytes(allocatable.memory) : undefined)}\n`);
  }
  if (events) describeEvents(events, w, now);
  return w.toString();
}

function describeNodeResources(w: PrefixWriter, node: Node, pods: Pod[], now: Date): void {
  const allocatable = Object.keys(node.status?.allocatable ?? {}).length ? node.status!.allocatable! : (node.status?.capacity ?? {});
  const cpu = allocatable.cpu !== undefined ? toMilliCpu(allocatable.cpu) : 0;
  const memory = allocatable.memory !== undefined ? toBytes(allocatable.memory) : 0;
  const cell = (value: string, part: number, whole: number): string => `${value} (${percent(part, whole)})`;
  w.write(LEVEL_0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(LEVEL_1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(LEVEL_1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const total: Amounts = { cpuRequests: 0, cpuLimits: 0, memoryRequests: 0, memoryLimits: 0 };
  for (const pod of pods) {
    const a = sum(pod);
    total.cpuRequests += a.cpuRequests;
    total.cpuLimits += a.cpuLimits;
    total.memoryRequests += a.memoryRequests;
    total.memoryLimits += a.memoryLimits;
    w.write(
      LEVEL_1,
      `${pod.metadata.namespace}\t${pod.metadata.name}\t\t${cell(formatMilliCpu(a.cpuRequests), a.cpuRequests, cpu)}\t${cell(formatMilliCpu(a.cpuLimits), a.cpuLimits, cpu)}\t` +
        `${cell(formatBytes(a.memoryRequests), a.memoryRequests, memory)}\t${cell(formatBytes(a.memoryLimits), a.memoryLimits, memory)}\t${age(pod.metadata.creationTimestamp, now)}\n`,
    );
  }
  w.write(LEVEL_0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(LEVEL_1, 'Resource\tRequests\tLimits\n');
  w.write(LEVEL_1, '--------\t--------\t------\n');
  w.write(LEVEL_1, `cpu\t${cell(formatMilliCpu(total.cpuRequests), total.cpuRequests, cpu)}\t${cell(formatMilliCpu(total.cpuLimits), total.cpuLimits, cpu)}\n`);
  w.write(
    LEVEL_1,
    `memory\t${cell(formatBytes(total.memoryRequests), total.memoryRequests, memory)}\t${cell(formatBytes(total.memoryLimits), total.memoryLimits, memory)}\n`,
  );
}
