import { hostPortsOf, nodePorts, portsConflict } from '../../../shared/scheduling/plugins/node-ports';
import type { NodeRecord } from '../../../shared/ports';

const podWith = (ports: { containerPort: number; hostPort?: number; protocol?: string; hostIP?: string }[]) =>
  ({ metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [{ name: 'c', image: 'i', ports }] }, status: {} }) as never;
const node = { name: 'n1', reservations: {} } as unknown as NodeRecord;

describe('the NodePorts filter', () => {
  it('reads hostPorts with Kubernetes defaults (TCP, every address) and ignores container-only ports', () => {
    expect(hostPortsOf(podWith([{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }, { containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }]))).toEqual([
      { protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 8080 },
      { protocol: 'UDP', hostIP: '10.0.0.1', hostPort: 53 },
    ]);
  });

  it.each([
    ['the same port and protocol on every address', { protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 80 }, { protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 80 }, true],
    ['every address against one', { protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 80 }, { protocol: 'TCP', hostIP: '10.0.0.1', hostPort: 80 }, true],
    ['two different addresses', { protocol: 'TCP', hostIP: '10.0.0.2', hostPort: 80 }, { protocol: 'TCP', hostIP: '10.0.0.1', hostPort: 80 }, false],
    ['another protocol', { protocol: 'UDP', hostIP: '0.0.0.0', hostPort: 80 }, { protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 80 }, false],
    ['another port', { protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 81 }, { protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 80 }, false],
  ])('%s: conflict %s', (_what, a, b, expected) => expect(portsConflict(a, b)).toBe(expected));

  it.each([
    ['passes a pod without hostPorts whatever the node holds', [{ containerPort: 80 }], { n1: [{ protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 80 }] }, 'Success'],
    ['passes a free port', [{ containerPort: 80, hostPort: 8080 }], { n1: [{ protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 8081 }] }, 'Success'],
    ['passes a node nothing is bound to', [{ containerPort: 80, hostPort: 8080 }], {}, 'Success'],
    ['refuses a port in use', [{ containerPort: 80, hostPort: 8080 }], { n1: [{ protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 8080 }] }, 'Unschedulable'],
  ])('%s', (_what, ports, inUse, code) => {
    const status = nodePorts.filter({ pod: podWith(ports), request: { cpu: 0, memory: 0, pods: 1 }, hostPortsInUse: inUse }, node);
    expect(status.code).toBe(code);
    if (code !== 'Success') expect(status.reasons).toEqual(["node(s) didn't have free ports for the requested pod ports"]);
  });

  it.each([
    ['refuses a port another pod claims on the node, though no bound pod was read', { other: [{ protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 8080 }] }, {}, 'Unschedulable'],
    ['passes a port the pod itself claims', { u: [{ protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 8080 }] }, {}, 'Success'],
    ['passes a node that already holds the pod (a replayed bind)', { other: [{ protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 8080 }] }, { u: { cpu: 0, memory: 0, pods: 1 } }, 'Success'],
  ])('%s', (_what, hostPorts, reservations, code) => {
    const claimed = { ...node, hostPorts, reservations } as NodeRecord;
    const status = nodePorts.filter({ pod: podWith([{ containerPort: 80, hostPort: 8080 }]), request: { cpu: 0, memory: 0, pods: 1 }, hostPortsInUse: {} }, claimed);
    expect(status.code).toBe(code);
  });
});
