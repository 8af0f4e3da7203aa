/** Test data builders: the smallest valid objects, overridable where a test cares. */
import type { NodeDescription } from '../../shared/events/node-heartbeats';
import type { Pod, PodSpec } from '../../shared/pod/schema';

export function aNodeDescription(o: { name: string; cpu?: string; memory?: string; pods?: number; labels?: Record<string, string>; allowPrivileged?: boolean }): NodeDescription {
  const resources = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: String(o.pods ?? 110) };
  return {
    name: o.name,
    labels: { 'kubernetes.io/hostname': o.name, ...(o.labels ?? {}) },
    capacity: resources,
    allocatable: resources,
    allowPrivileged: o.allowPrivileged ?? false,
    allowHostPath: false,
    agentVersion: '0.1.0',
    runtime: 'hollow',
    addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
  };
}

export function aPodSpec(o: Partial<PodSpec> = {}): PodSpec {
  return { containers: [{ name: 'app', image: 'podflow/base:1' }], ...o };
}

export function aRecordedPod(o: { name: string; uid: string; namespace?: string; spec?: PodSpec; nodeName?: string }): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name, namespace: o.namespace ?? 'default', uid: o.uid, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { ...(o.spec ?? aPodSpec()), ...(o.nodeName ? { nodeName: o.nodeName } : {}) },
    status: { phase: 'Pending' },
  };
}
