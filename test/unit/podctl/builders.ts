/** Builders for the API objects podctl prints: the smallest objects, overridable where a test cares. */
import type { ContainerStatus, Pod } from '../../../shared/pod/schema';
import type { CoreEvent, Node, ReplicationController } from '../../../shared/display/kube-types';

export const NOW = new Date('2024-05-01T12:00:00Z');

export function secondsAgo(s: number): string {
  return new Date(NOW.getTime() - s * 1000).toISOString();
}

export function aPod(o: Partial<Pod['metadata']> & { status?: Pod['status']; spec?: Partial<Pod['spec']> } = {}): Pod {
  const { status, spec, ...meta } = o;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', resourceVersion: '7', creationTimestamp: secondsAgo(65), ...meta },
    spec: { containers: [{ name: 'app', image: 'podflow/web:1' }], ...spec },
    status: status ?? { phase: 'Pending' },
  };
}

export function aContainerStatus(o: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name: 'app', image: 'podflow/web:1', ready: false, restartCount: 0, state: {}, ...o };
}

export function running(o: Partial<ContainerStatus> = {}): ContainerStatus {
  return aContainerStatus({ ready: true, started: true, state: { running: { startedAt: secondsAgo(60) } }, ...o });
}

export function aNode(o: Partial<Node> & { name?: string; ready?: string } = {}): Node {
  const { name = 'node-1', ready = 'True', ...rest } = o;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, creationTimestamp: secondsAgo(3 * 86400), labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: {
      conditions: [{ type: 'Ready', status: ready, reason: 'AgentReady', lastHeartbeatTime: secondsAgo(5), lastTransitionTime: secondsAgo(3600) }],
      addresses: [{ type: 'InternalIP', address: '10.1.0.4' }],
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      nodeInfo: { kubeletVersion: 'podflow-agent/0.1.0', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'docker://24.0.5' },
    },
    ...rest,
  };
}

export function anRc(o: Partial<ReplicationController['spec']> & { status?: ReplicationController['status'] } = {}): ReplicationController {
  const { status, ...spec } = o;
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'web', namespace: 'default', uid: 'rc-uid', creationTimestamp: secondsAgo(600), labels: { app: 'web' } },
    spec: {
      replicas: 3,
      selector: { app: 'web' },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'podflow/web:1', ports: [{ containerPort: 80 }] }] } },
      ...spec,
    },
    status: status ?? { replicas: 3, readyReplicas: 2 },
  };
}

export function anEvent(o: Partial<CoreEvent> = {}): CoreEvent {
  return {
    type: 'Normal',
    reason: 'Scheduled',
    message: 'Successfully assigned default/web to node-1',
    source: { component: 'scheduler' },
    firstTimestamp: secondsAgo(30),
    lastTimestamp: secondsAgo(30),
    count: 1,
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'uid-1' },
    ...o,
  };
}
