import { needsRetry } from '../../../functions/node-lifecycle/handler';
import type { PodCondition } from '../../../shared/pod/schema';
import type { PodRecord } from '../../../shared/ports';
import { aRecordedPod } from '../../helpers/factories';

function record(o: { nodeName?: string; conditions?: PodCondition[]; deleting?: boolean }): PodRecord {
  const pod = aRecordedPod({ name: 'p', uid: 'u' });
  pod.status.conditions = o.conditions;
  if (o.deleting) pod.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  return { namespace: 'default', name: 'p', uid: 'u', version: 2, pod, nodeName: o.nodeName, deleted: false };
}

const unschedulable: PodCondition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' };

describe('which pods the sweep asks the scheduler to try again', () => {
  it.each([
    ['a pod found unschedulable', record({ conditions: [unschedulable] }), true],
    ['a pod still waiting for its first attempt', record({}), false],
    ['a bound pod', record({ nodeName: 'n1', conditions: [{ type: 'PodScheduled', status: 'True' }] }), false],
    ['an unschedulable pod being deleted', record({ conditions: [unschedulable], deleting: true }), false],
  ])('%s: %s', (_name, pod, expected) => {
    expect(needsRetry(pod)).toBe(expected);
  });
});
