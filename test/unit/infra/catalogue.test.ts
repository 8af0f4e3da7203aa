import { AGENT_ACCESS, API_ACCESS, HANDLERS } from '../../../infra/catalogue';

/**
 * The access table of the design notes, written out by hand, as the handler
 * modules turned out (the replication-controller also follows its own
 * rc-events commands and records pod history; every handler that writes
 * history publishes it to pod-history first): the catalogue, and so every
 * grant, must match it.
 */
const DESIGN = {
  'pod-controller': { consumes: ['pod-events'], publishes: ['dead-letter', 'node-assignments', 'pod-changes', 'pod-events', 'pod-history'], tables: { Pods: 'write', PodHistory: 'write', Nodes: 'read' } },
  scheduler: { consumes: ['pod-events'], publishes: ['dead-letter', 'node-assignments', 'pod-changes', 'pod-history'], tables: { Pods: 'write', Nodes: 'write', PodHistory: 'write' } },
  'status-recorder': { consumes: ['pod-status'], publishes: ['dead-letter', 'pod-changes', 'pod-events', 'pod-history'], tables: { Pods: 'write', Nodes: 'write', PodHistory: 'write' } },
  'node-lifecycle': { consumes: ['node-events', 'node-heartbeats'], publishes: ['dead-letter', 'pod-events', 'pod-history'], tables: { Nodes: 'write', Pods: 'write', PodHistory: 'write' } },
  'replication-controller': {
    consumes: ['pod-changes', 'rc-events'],
    publishes: ['dead-letter', 'pod-events', 'pod-history'],
    tables: { ReplicationControllers: 'write', Pods: 'read', PodHistory: 'write' },
  },
  'config-controller': { consumes: ['config-events'], publishes: ['dead-letter'], tables: { ConfigObjects: 'write' } },
} as const;

describe('the access catalogue', () => {
  it.each(Object.entries(DESIGN))('gives %s the topics and tables of the design, and no more', (name, expected) => {
    const spec = HANDLERS.find((h) => h.name === name);
    expect(spec).toBeDefined();
    expect([...spec!.consumes].sort()).toEqual(expected.consumes);
    expect([...spec!.publishes].sort()).toEqual(expected.publishes);
    expect(spec!.tables).toEqual(expected.tables);
  });

  it('lists no handler the design does not know', () => {
    expect(HANDLERS.map((h) => h.name).sort()).toEqual(Object.keys(DESIGN).sort());
  });

  it('schedules sweeps for the handlers whose modules export one', () => {
    expect(HANDLERS.filter((h) => h.sweeps).map((h) => h.name)).toEqual(['node-lifecycle', 'replication-controller']);
  });

  it('lets agents read assignments and write status and heartbeats only, with no table at all', () => {
    expect(AGENT_ACCESS).toEqual({ consumes: ['node-assignments'], consumerGroupPrefix: 'agent-', publishes: ['pod-status', 'node-heartbeats'] });
    expect('tables' in AGENT_ACCESS).toBe(false);
  });

  it('lets the API append commands and follow changes and history, reading the projections without writing them', () => {
    expect(API_ACCESS.publishes).toEqual(['pod-events', 'rc-events', 'node-events', 'config-events']);
    expect(API_ACCESS.consumes).toEqual(['pod-changes', 'pod-history']);
    expect(Object.values(API_ACCESS.tables).every((level) => level === 'read')).toBe(true);
  });
});
