import type { Container, Pod, PodSpec } from '../../../shared/pod/schema';
import { admitPod, type NodePolicy } from '../../../agent/sync/admission';

const node = (o: Partial<NodePolicy> = {}): NodePolicy => ({ nodeName: 'n1', allowPrivileged: false, allowHostPath: false, agentVersion: 'v0.1.0', ...o });
const plain: Container = { name: 'plain', image: 'i:1' };
const privileged: Container = { name: 'root', image: 'i:1', securityContext: { privileged: true } };
const pod = (spec: Partial<PodSpec>): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'team-a', uid: 'u1', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { containers: [plain], ...spec },
  status: {},
});
const hostPath = { volumes: [{ name: 'etc', hostPath: { path: '/etc' } }] };
const prefix = 'Error validating pod "web"."team-a" from api, ignoring: ';

describe('node-side admission (the kubelet FailedValidation wording)', () => {
  it.each<[string, Pod, NodePolicy, string | null]>([
    ['privileged at index 1 on a node that forbids it', pod({ containers: [plain, privileged] }), node(), `${prefix}spec.containers[1].securityContext.privileged: forbidden`],
    ['privileged on a node that allows it, in a privileged namespace', pod({ containers: [privileged] }), node({ allowPrivileged: true, podSecurity: { namespaceLevels: {}, defaultLevel: 'privileged' } }), null],
    ['privileged on an allowing node whose agent is too old', pod({ containers: [privileged] }), node({ allowPrivileged: true, agentVersion: 'v0.0.9' }), `${prefix}spec.containers[0].securityContext.privileged: forbidden`],
    ['privileged on an allowing node whose version cannot be read', pod({ containers: [privileged] }), node({ allowPrivileged: true, agentVersion: 'podflow-agent/0.1.0' }), `${prefix}spec.containers[0].securityContext.privileged: forbidden`],
    ['hostPath on a node that forbids it', pod(hostPath), node(), `${prefix}spec.volumes[0].hostPath: forbidden`],
    ['hostPath on a node that allows it, in a privileged namespace', pod(hostPath), node({ allowHostPath: true, podSecurity: { namespaceLevels: { 'team-a': 'privileged' }, defaultLevel: 'baseline' } }), null],
    [
      'hostPath on a node that allows it, in a baseline namespace (the default)',
      pod(hostPath),
      node({ allowHostPath: true }),
      `${prefix}spec.volumes[0].hostPath: Forbidden: violates PodSecurity "baseline": hostPath volumes (volume "etc")`,
    ],
    ['every capability on a node that forbids privileged', pod({ containers: [{ ...plain, securityContext: { capabilities: { add: ['ALL'] } } }] }), node(), `${prefix}spec.containers[0].securityContext.capabilities.add[0]: forbidden`],
    [
      'SYS_ADMIN on a node that allows privileged, in a baseline namespace',
      pod({ containers: [{ ...plain, securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] }),
      node({ allowPrivileged: true }),
      `${prefix}spec.containers[0].securityContext.capabilities.add[0]: Forbidden: violates PodSecurity "baseline": non-default capabilities (container "plain" must not include "SYS_ADMIN" in securityContext.capabilities.add)`,
    ],
    ['a hostPort in a baseline namespace', pod({ containers: [{ ...plain, ports: [{ containerPort: 80, hostPort: 8080 }] }] }), node(), `${prefix}spec.containers[0].ports[0].hostPort: Forbidden: violates PodSecurity "baseline": hostPort (container "plain" uses hostPort 8080)`],
    ['the baseline capabilities anywhere', pod({ containers: [{ ...plain, securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } } }] }), node(), null],
    ['both at once: every cause, in brackets', pod({ ...hostPath, containers: [privileged] }), node(), `${prefix}[spec.containers[0].securityContext.privileged: forbidden, spec.volumes[0].hostPath: forbidden]`],
    ['a plain pod', pod({}), node(), null],
  ])('%s', (_, p, n, message) => {
    const refusal = admitPod(p, n);
    expect(refusal?.message ?? null).toBe(message);
    if (message) expect(refusal).toMatchObject({ eventReason: 'FailedValidation', waitingReason: 'CreateContainerConfigError' });
  });

  it('refuses a mount of an undeclared volume', () => {
    const p = pod({ containers: [{ ...plain, volumeMounts: [{ name: 'x', mountPath: '/x' }] }] });
    expect(admitPod(p, node())).toEqual({ eventReason: 'Failed', waitingReason: 'CreateContainerConfigError', message: 'container "plain": volumeMount "x" refers to no volume of the pod' });
  });
});
