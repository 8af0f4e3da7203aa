/** Node records and pods for the scheduling tests: a ready 4-cpu/8Gi node unless a row says otherwise. */
import { nodeAllocatable, podRequest } from '../../../shared/node/resources';
import type { Container, PodSpec } from '../../../shared/pod/schema';
import type { PodInfo } from '../../../shared/scheduling/framework';
import type { NodeRecord, Resources } from '../../../shared/ports';
import { aNodeDescription, aRecordedPod } from '../../helpers/factories';

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
  allowPrivileged?: boolean;
  agentVersion?: string;
  ready?: NodeRecord['ready'];
  agentReady?: boolean;
  allocated?: Partial<Resources>;
  reservations?: Record<string, Resources>;
}

export function aNode(name: string, o: NodeOptions = {}): NodeRecord {
  const node = { ...aNodeDescription({ name, cpu: o.cpu, memory: o.memory, pods: o.pods, labels: o.labels, allowPrivileged: o.allowPrivileged }), agentVersion: o.agentVersion ?? '0.1.0' };
  return {
    name,
    node,
    bootId: 'boot-1',
    lastHeartbeat: 0,
    agentReady: o.agentReady ?? true,
    ready: o.ready ?? 'True',
    readyTransition: 0,
    allocatable: nodeAllocatable(node),
    allocated: { cpu: 0, memory: 0, pods: 0, ...o.allocated },
    reservations: o.reservations ?? {},
    version: 1,
  };
}

export function aPod(o: { uid?: string; cpu?: string; memory?: string; privileged?: boolean; nodeSelector?: Record<string, string>; nodeName?: string } = {}): PodInfo {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const container: Container = {
    name: 'app',
    image: 'podflow/base:1',
    ...(Object.keys(requests).length ? { resources: { requests } } : {}),
    ...(o.privileged ? { securityContext: { privileged: true } } : {}),
  };
  const spec: PodSpec = { containers: [container], ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}) };
  const pod = aRecordedPod({ name: 'web', uid: o.uid ?? 'uid-1', spec, nodeName: o.nodeName });
  return { pod, request: podRequest(pod.spec) };
}
