import { decideRcCommand, type RcCommandDecision } from '../../../shared/rc/decider';
import type { RcRecord } from '../../../shared/rc/record';
import { aRecord, anRc, nextRv, rcCommand, T0 } from './given';

const ctx = { now: T0, nextResourceVersion: nextRv };
const manifest = () => {
  const { metadata, spec } = anRc({ replicas: 2 });
  return { metadata: { name: metadata.name, namespace: metadata.namespace }, spec };
};

interface Row {
  name: string;
  given: RcRecord | null;
  when: ReturnType<typeof rcCommand>;
  then: { kind: RcCommandDecision['kind']; generation?: number; replicas?: number; refused?: string; deleted?: boolean; version?: number; uid?: string };
}

const rows: Row[] = [
  { name: 'a create records the rc with uid = request id and generation 1', given: null, when: rcCommand('ReplicationControllerCreateRequested', 'req-1', { rc: manifest() }), then: { kind: 'write', uid: 'req-1', generation: 1, replicas: 2, version: 1 } },
  { name: 'a replayed create changes nothing', given: aRecord({ uid: 'req-1', rc: anRc({ uid: 'req-1' }) }), when: rcCommand('ReplicationControllerCreateRequested', 'req-1', { rc: manifest() }), then: { kind: 'ignore' } },
  { name: 'a create over a live rc is refused with AlreadyExists', given: aRecord(), when: rcCommand('ReplicationControllerCreateRequested', 'req-2', { rc: manifest() }), then: { kind: 'write', refused: 'AlreadyExists', uid: 'rc-uid-1' } },
  { name: 'a create over a tombstone makes a new incarnation', given: aRecord({ deleted: true, version: 9 }), when: rcCommand('ReplicationControllerCreateRequested', 'req-3', { rc: manifest() }), then: { kind: 'write', uid: 'req-3', generation: 1, version: 10 } },
  { name: 'a scale to a new count bumps the generation', given: aRecord({ replicas: 3 }), when: rcCommand('ReplicationControllerScaleRequested', 's-1', { namespace: 'default', name: 'web', replicas: 5 }), then: { kind: 'write', generation: 2, replicas: 5 } },
  { name: 'a scale to the same count keeps the generation', given: aRecord({ replicas: 3 }), when: rcCommand('ReplicationControllerScaleRequested', 's-2', { namespace: 'default', name: 'web', replicas: 3 }), then: { kind: 'write', generation: 1, replicas: 3 } },
  { name: 'a scale against a stale resourceVersion is refused with Conflict', given: aRecord(), when: rcCommand('ReplicationControllerScaleRequested', 's-3', { namespace: 'default', name: 'web', replicas: 1, resourceVersion: 'old' }), then: { kind: 'write', refused: 'Conflict', replicas: 3 } },
  { name: 'a replayed scale changes nothing', given: aRecord({ requests: [{ id: 's-4' }] }), when: rcCommand('ReplicationControllerScaleRequested', 's-4', { namespace: 'default', name: 'web', replicas: 9 }), then: { kind: 'ignore' } },
  { name: 'an update for another uid is refused with Conflict', given: aRecord(), when: rcCommand('ReplicationControllerDeleteRequested', 'd-0', { namespace: 'default', name: 'web', uid: 'other' }), then: { kind: 'write', refused: 'Conflict' } },
  { name: 'a delete leaves a tombstone the controller drains', given: aRecord(), when: rcCommand('ReplicationControllerDeleteRequested', 'd-1', { namespace: 'default', name: 'web' }), then: { kind: 'write', deleted: true } },
  { name: 'a command for a missing rc is ignored', given: null, when: rcCommand('ReplicationControllerDeleteRequested', 'd-2', { namespace: 'default', name: 'web' }), then: { kind: 'ignore' } },
  {
    name: 'an update that changes the template bumps the generation',
    given: aRecord(),
    when: rcCommand('ReplicationControllerUpdateRequested', 'u-1', { namespace: 'default', name: 'web', spec: { ...anRc().spec, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'podflow/web:2' }] } } } }),
    then: { kind: 'write', generation: 2 },
  },
  {
    name: 'an update of labels only keeps the generation',
    given: aRecord(),
    when: rcCommand('ReplicationControllerUpdateRequested', 'u-2', { namespace: 'default', name: 'web', labels: { team: 'a' }, spec: anRc().spec }),
    then: { kind: 'write', generation: 1 },
  },
];

describe('RC command decider', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const d = decideRcCommand(row.given, row.when, ctx);
    expect(d.kind).toBe(row.then.kind);
    if (d.kind !== 'write') return;
    expect(d.expectedVersion).toBe(row.given ? row.given.version : null);
    expect(d.record.version).toBe(row.then.version ?? (row.given?.version ?? 0) + 1);
    if (row.then.uid) expect(d.record.uid).toBe(row.then.uid);
    if (row.then.generation) expect(d.record.rc.metadata.generation).toBe(row.then.generation);
    if (row.then.replicas !== undefined) expect(d.record.rc.spec.replicas).toBe(row.then.replicas);
    if (row.then.deleted) expect(d.record.deleted && d.record.rc.metadata.deletionTimestamp).toBeTruthy();
    const outcome = d.record.requests.find((r) => r.id === row.when.id);
    expect(outcome).toBeDefined();
    expect(outcome?.status?.reason).toBe(row.then.refused);
    expect(d.refused?.reason).toBe(row.then.refused);
  });

  it('keeps only the most recent command outcomes', () => {
    let record = aRecord();
    for (let i = 0; i < 30; i++) {
      const d = decideRcCommand(record, rcCommand('ReplicationControllerScaleRequested', `s-${i}`, { namespace: 'default', name: 'web', replicas: i }), ctx);
      if (d.kind === 'write') record = d.record;
    }
    expect(record.requests).toHaveLength(20);
    expect(record.requests.at(-1)?.id).toBe('s-29');
  });
});
