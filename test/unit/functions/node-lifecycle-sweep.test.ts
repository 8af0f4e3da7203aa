/**
 * The node-lifecycle sweep on in-memory ports, given/when/then, with a clock
 * the test moves: a silent node turns Unknown with a NodeNotReady event on its
 * pods, its pods are evicted after the timeout, and unschedulable pods are
 * retried when a node comes up, not on every sweep.
 */
import { makeSweeper } from '../../../functions/node-lifecycle/handler';
import { ManualClock, memoryPorts } from '../../../shared/adapters/memory';
import type { LifecycleConfig } from '../../../shared/node/lifecycle';
import type { PodRecord } from '../../../shared/ports';
import { aNodeDescription, aRecordedPod } from '../../helpers/factories';

const config: LifecycleConfig = { gracePeriodMs: 40_000, evictionTimeoutMs: 300_000, maxEvictionsPerSweep: 10, unhealthyThreshold: 0.55 };
const T0 = new Date('2026-01-01T00:00:00Z');

function given() {
  const clock = new ManualClock(T0);
  const ports = memoryPorts(clock);
  const sweep = makeSweeper({ ...ports, config, retryIntervalMs: 60_000 });
  const heartbeat = (name: string) => ports.nodeStore.recordHeartbeat(aNodeDescription({ name }), 'boot-1', true, clock.now().getTime());
  const pod = async (name: string, o: { nodeName?: string; unschedulable?: boolean } = {}) => {
    const p = aRecordedPod({ name, uid: `uid-${name}`, nodeName: o.nodeName });
    if (o.unschedulable) p.status.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }];
    const record: PodRecord = { namespace: 'default', name, uid: p.metadata.uid, version: 1, pod: p, nodeName: o.nodeName, deleted: false };
    await ports.podStore.put(record, null);
  };
  return { clock, ports, sweep, heartbeat, pod };
}

describe('node-lifecycle sweep', () => {
  it('marks a silent node Unknown with NodeNotReady on its pods, then evicts them after the timeout', async () => {
    const { clock, ports, sweep, heartbeat, pod } = given();
    await heartbeat('n1');
    await heartbeat('n2');
    await pod('web', { nodeName: 'n1' });
    clock.advance(41_000);
    await heartbeat('n2');
    await sweep();
    expect((await ports.nodeStore.get('n1'))!.ready).toBe('Unknown');
    expect(ports.historyStore.entries.map((e) => [e.name, e.reason])).toEqual([['web', 'NodeNotReady']]);
    expect(ports.publisher.ofType('PodEvictionRequested')).toEqual([]);
    clock.advance(300_000);
    await heartbeat('n2');
    await sweep();
    expect(ports.publisher.ofType('PodEvictionRequested').map((e) => (e.data as { uid: string }).uid)).toEqual(['uid-web']);
  });

  it('retries unschedulable pods when a node comes up, and not again before the retry interval', async () => {
    const { clock, ports, sweep, heartbeat, pod } = given();
    await pod('waiting', { unschedulable: true });
    await sweep();
    const first = ports.publisher.ofType('PodScheduleRequested').length;
    await heartbeat('n1');
    await sweep();
    expect(ports.publisher.ofType('PodScheduleRequested').length).toBe(first + 1);
    clock.advance(5_000);
    await heartbeat('n1');
    await sweep();
    expect(ports.publisher.ofType('PodScheduleRequested').length).toBe(first + 1);
    clock.advance(60_000);
    await heartbeat('n1');
    await sweep();
    expect(ports.publisher.ofType('PodScheduleRequested').length).toBe(first + 2);
  });
});
