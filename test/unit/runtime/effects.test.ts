/** The one executor of every handler's decisions: the write decides, the follow-ups follow only what happened. */
import { memoryPorts } from '../../../shared/adapters/memory';
import { makeEvent, TOPICS, type PodChanged } from '../../../shared/events';
import type { HistoryEntry, PodRecord } from '../../../shared/ports';
import { applyEffects, decideAndApply, followUps } from '../../../shared/runtime/effects';
import { aRecordedPod } from '../../helpers/factories';

const record = (version: number): PodRecord => ({ namespace: 'default', name: 'p', uid: 'u1', version, pod: aRecordedPod({ name: 'p', uid: 'u1' }), deleted: false });
const entry: HistoryEntry = { namespace: 'default', name: 'p', uid: 'u1', time: '2026-01-01T00:00:00Z', eventId: 'e1', index: 0, type: 'Normal', reason: 'Tested', message: 'm', source: 'test' };
const change = makeEvent<PodChanged>('PodChanged', 'default/p', { change: 'MODIFIED', pod: aRecordedPod({ name: 'p', uid: 'u1' }) }, { source: 'test', time: new Date(0), id: 'c1' });

describe('applyEffects', () => {
  it.each([
    ['applies the follow-ups after the write happened', null, 'done', 1],
    ['applies none of them when the write lost a race', 7, 'conflict', 0],
  ] as const)('%s', async (_name, stored, outcome, followed) => {
    const ports = memoryPorts();
    if (stored !== null) await ports.podStore.put(record(stored), null);
    const applied = await applyEffects({ write: { kind: 'putPod', record: record(1), expectedVersion: null }, then: followUps({ history: [entry], outbound: [{ topic: TOPICS.podChanges, event: change }] }) }, ports);
    expect(applied).toBe(outcome);
    expect(ports.historyStore.entries).toHaveLength(followed);
    expect(ports.publisher.sent).toHaveLength(followed);
  });

  it('reports a bind refused for room as a value, not an error, and reserves nothing', async () => {
    const ports = memoryPorts();
    await ports.podStore.put(record(1), null);
    const applied = await applyEffects(
      { write: { kind: 'bindPod', nodeName: 'nowhere', record: { ...record(2), nodeName: 'nowhere' }, expectedVersion: 1, request: { cpu: 1, memory: 1, pods: 1 }, allocatable: { cpu: 1, memory: 1, pods: 1 } }, then: [] },
      ports,
    );
    expect(applied).toBe('no-such-node');
    expect((await ports.podStore.get('default', 'p'))!.version).toBe(1);
  });
});

describe('decideAndApply', () => {
  it('reads again and decides anew after a lost race', async () => {
    const ports = memoryPorts();
    await ports.podStore.put(record(1), null);
    const seen: number[] = [];
    let raced = false;
    const { applied } = await decideAndApply(
      ports,
      async () => {
        const r = (await ports.podStore.get('default', 'p'))!;
        if (!raced) {
          raced = true; // another writer moves the pod on right after this read
          await ports.podStore.put({ ...r, version: r.version + 1 }, r.version);
        }
        return r;
      },
      (r) => {
        seen.push(r.version);
        return { write: { kind: 'putPod', record: { ...r, version: r.version + 1 }, expectedVersion: r.version }, then: [] };
      },
    );
    expect(applied).toBe('done');
    expect(seen).toEqual([1, 2]);
    expect((await ports.podStore.get('default', 'p'))!.version).toBe(3);
  });
});
