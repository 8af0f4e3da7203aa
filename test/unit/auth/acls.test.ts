import { nodeGrants, roleGrants } from '../../../shared/adapters/kafka/acls';

describe('Kafka ACLs of a cluster', () => {
  it('lets a node read its assignments and write only its heartbeats and pod status, under the prefix', () => {
    expect(nodeGrants('t1-', 'n1')).toEqual([
      { principal: 'node-n1', resource: 'topic', name: 't1-node-assignments', pattern: 'literal', operation: 'read' },
      { principal: 'node-n1', resource: 'topic', name: 't1-pod-status', pattern: 'literal', operation: 'write' },
      { principal: 'node-n1', resource: 'topic', name: 't1-node-heartbeats', pattern: 'literal', operation: 'write' },
      { principal: 'node-n1', resource: 'group', name: 't1-agent-n1-', pattern: 'prefixed', operation: 'read' },
    ]);
  });

  it('lets only control-plane roles write pod-events and node-assignments', () => {
    const writers = (topic: string) => [...new Set(roleGrants('').filter((g) => g.resource === 'topic' && g.name === topic && g.operation === 'write').map((g) => g.principal))].sort();
    expect(writers('node-assignments')).toEqual(['pod-controller', 'scheduler']);
    expect(writers('pod-events')).toEqual(['api', 'node-lifecycle', 'pod-controller', 'replication-controller', 'status-recorder']);
    expect(writers('pod-status')).toEqual([]);
    expect(writers('node-heartbeats')).toEqual([]);
  });

  it('gives each role its consumer groups by prefix', () => {
    const groups = roleGrants('p-').filter((g) => g.resource === 'group').map((g) => `${g.principal}:${g.name}:${g.pattern}`);
    expect(groups).toEqual(['pod-controller:p-pod-controller:prefixed', 'scheduler:p-scheduler:prefixed', 'status-recorder:p-status-recorder:prefixed', 'node-lifecycle:p-node-lifecycle:prefixed', 'replication-controller:p-replication-controller:prefixed', 'config-controller:p-config-controller:prefixed', 'api:p-api:prefixed']);
  });
});
