import { nodeTable, podTable } from '../../../api/table';
import { aRecordedPod } from '../../helpers/factories';

describe('server-side Tables for kubectl', () => {
  it('prints pods with kubectl’s columns, IP and NODE only for -o wide', () => {
    const pod = aRecordedPod({ name: 'web', uid: 'u1', nodeName: 'node-1' });
    pod.status = { phase: 'Running', podIP: '10.0.0.7', containerStatuses: [{ name: 'app', image: 'x', ready: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }] };
    const t = podTable([pod], '42', new Date('2026-01-01T00:05:00Z'));
    expect(t).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '42' } });
    expect(t.columnDefinitions.map((c) => [c.name, c.priority])).toEqual([['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1]]);
    expect(t.rows[0].cells).toEqual(['web', '1/1', 'Running', '0', '5m', '10.0.0.7', 'node-1']);
    expect(t.rows[0].object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod.metadata });
  });

  it('prints nodes with their Ready status and, wide, their runtime', () => {
    const node = {
      metadata: { name: 'node-1', creationTimestamp: '2026-01-01T00:00:00Z', labels: {} },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v0.1.0', osImage: 'Debian', kernelVersion: '6.1', containerRuntimeVersion: 'docker://20.10' }, addresses: [{ type: 'InternalIP', address: '10.1.1.1' }] },
    };
    const t = nodeTable([node], '7', new Date('2026-01-01T01:00:00Z'));
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']);
    expect(t.rows[0].cells).toEqual(['node-1', 'Ready', '<none>', '60m', 'v0.1.0', '10.1.1.1', 'Debian', '6.1', 'docker://20.10']);
  });
});
