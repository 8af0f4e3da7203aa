/** Projections of podflow records onto Kubernetes objects: Node, Event, lists. */
import type { HistoryEntry, NodeRecord } from '../shared/ports';
import type { Pod } from '../shared/pod/schema';
import { formatBytes, formatMilliCpu } from '../shared/kube/quantity';
import { networkCondition } from '../shared/network/node-condition';

function endpointPort(endpoint: string | undefined): number {
  if (!endpoint) return 0;
  try {
    return Number(new URL(endpoint).port) || 0;
  } catch {
    return 0;
  }
}

/** The taints set through the API, and the one the node controller derives from a Ready condition that is not True. */
function nodeSpec(n: NodeRecord): Record<string, unknown> {
  const ready = n.ready === 'True' ? [] : [{ key: n.ready === 'Unknown' ? 'node.kubernetes.io/unreachable' : 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }];
  const taints = [...(n.taints ?? []), ...ready];
  return taints.length ? { taints } : {};
}

/** NetworkUnavailable, for nodes whose agent manages a pod network (shared/network/node-condition.ts). */
function networkConditions(n: NodeRecord, heartbeat: string): Record<string, unknown>[] {
  const c = networkCondition(n);
  return c ? [{ type: 'NetworkUnavailable', ...c, lastHeartbeatTime: heartbeat, lastTransitionTime: heartbeat }] : [];
}

export function nodeObject(n: NodeRecord): Record<string, unknown> {
  const heartbeat = new Date(n.lastHeartbeat).toISOString();
  const transition = new Date(n.readyTransition).toISOString();
  const reason = { True: 'KubeletReady', False: 'KubeletNotReady', Unknown: 'NodeStatusUnknown' }[n.ready];
  const message = { True: 'agent is posting ready status', False: 'agent is fencing stale pods', Unknown: 'Kubelet stopped posting node status.' }[n.ready];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: n.name, uid: `node-${n.name}`, resourceVersion: String(n.version), labels: n.node.labels, creationTimestamp: transition },
    spec: { ...nodeSpec(n), ...(n.podCIDR ? { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR] } : {}) },
    status: {
      capacity: n.node.capacity,
      allocatable: n.node.allocatable,
      conditions: [{ type: 'Ready', status: n.ready, reason, message, lastHeartbeatTime: heartbeat, lastTransitionTime: transition }, ...networkConditions(n, heartbeat)],
      addresses: n.node.addresses,
      nodeInfo: {
        kubeletVersion: /^\d/.test(n.node.agentVersion) ? `v${n.node.agentVersion}` : n.node.agentVersion,
        osImage: n.node.osImage ?? '',
        kernelVersion: n.node.kernelVersion ?? '',
        containerRuntimeVersion: n.node.containerRuntimeVersion ?? n.node.runtime,
        operatingSystem: 'linux',
        architecture: process.arch === 'x64' ? 'amd64' : process.arch,
        machineID: '',
        systemUUID: '',
        bootID: n.bootId,
        kubeProxyVersion: '',
      },
      allocated: { cpu: formatMilliCpu(n.allocated.cpu), memory: formatBytes(n.allocated.memory), pods: String(n.allocated.pods) },
      // Where the agent serves logs and /metrics (Kubernetes: the kubelet's port).
      daemonEndpoints: { kubeletEndpoint: { Port: endpointPort(n.node.endpoint) } },
    },
  };
}

/** A history entry as a core/v1 Event, so `kubectl describe pod` shows it too. */
export function eventObject(e: HistoryEntry): Record<string, unknown> {
  const fromNode = e.source !== 'pod-controller' && e.source !== 'default-scheduler' && e.source !== 'node-controller' && e.source !== 'status-recorder' && e.source !== 'replication-controller';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${e.name}.${e.eventId.replace(/[^a-z0-9.-]/gi, '').slice(0, 40)}.${e.index}`, namespace: e.namespace, creationTimestamp: e.time },
    involvedObject: { kind: 'Pod', namespace: e.namespace, name: e.name, uid: e.uid, apiVersion: 'v1' },
    reason: e.reason,
    message: e.message,
    type: e.type,
    source: fromNode ? { component: 'kubelet', host: e.source } : { component: e.source },
    firstTimestamp: e.time,
    lastTimestamp: e.time,
    eventTime: null,
    count: 1,
    reportingComponent: fromNode ? 'kubelet' : e.source,
    reportingInstance: fromNode ? e.source : '',
  };
}

export function list(kind: string, items: unknown[], resourceVersion: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind, metadata: { resourceVersion }, items };
}

/** Fields a pod field selector can name. */
export function podFields(p: Pod): Record<string, string | undefined> {
  return {
    'metadata.name': p.metadata.name,
    'metadata.namespace': p.metadata.namespace,
    'spec.nodeName': p.spec.nodeName ?? '',
    'status.phase': p.status.phase,
    'spec.restartPolicy': p.spec.restartPolicy,
    'spec.schedulerName': p.spec.schedulerName ?? 'default-scheduler',
    'spec.serviceAccountName': '',
    'spec.hostNetwork': String(p.spec.hostNetwork ?? false),
    'status.podIP': p.status.podIP ?? '',
    'status.nominatedNodeName': '',
  };
}
