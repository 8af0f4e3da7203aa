import { makeEvent, type NodeAssignmentEvent, type PodAssigned } from '../../../shared/events';
import type { Pod, RestartPolicy } from '../../../shared/pod/schema';
import { applyAssignment, emptyDesiredState } from '../../../agent/assignments/desired-state';
import { computePodActions, type PodAction } from '../../../agent/sync/compute-pod-actions';
import { observePod } from '../../../agent/sync/observe';
import { containerSpecHash, LABELS } from '../../../agent/runtime/labels';
import type { RuntimeContainer, RuntimeState } from '../../../agent/runtime/types';
import { aRecordedPod } from '../../helpers/factories';

const NOW = new Date('2026-01-01T00:10:00.000Z');
const cfg = { backoff: { initialMs: 10_000, maxMs: 300_000, resetMs: 600_000 }, node: { nodeName: 'n1', allowPrivileged: false, allowHostPath: false, agentVersion: 'v0.1.0' } };

function pod(image: string, restartPolicy: RestartPolicy = 'Always'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'u1', resourceVersion: '1', creationTimestamp: NOW.toISOString() },
    spec: { containers: [{ name: 'web', image }, { name: 'side', image: 'side:1' }], restartPolicy },
    status: {},
  };
}

const sandbox: RuntimeContainer = { id: 'sb0', name: 'sb0', labels: { [LABELS.role]: 'sandbox', [LABELS.uid]: 'u1', [LABELS.attempt]: '0' }, state: 'running', image: 'pause', createdAt: NOW.toISOString(), ip: '10.0.0.2' };

/** A container of `of` (the spec it was started from), in `state`, just finished when exited. */
function running(of: Pod, name: string, state: RuntimeState, attempt = 0, exitCode = 137): RuntimeContainer {
  return {
    id: `${name}-${attempt}`,
    name: `${name}-${attempt}`,
    labels: { [LABELS.role]: 'app', [LABELS.uid]: 'u1', [LABELS.container]: name, [LABELS.attempt]: String(attempt), [LABELS.specHash]: containerSpecHash(of.spec.containers.find((c) => c.name === name)!), [LABELS.sandboxId]: 'sb0' },
    state,
    image: 'x',
    createdAt: NOW.toISOString(),
    ...(state === 'exited' ? { exitCode, startedAt: new Date(NOW.getTime() - 2_000).toISOString(), finishedAt: new Date(NOW.getTime() - 1_000).toISOString() } : { startedAt: NOW.toISOString() }),
  };
}

const show = (actions: PodAction[]) => actions.map((a) => (a.type === 'StartContainer' ? `Start ${a.container}#${a.attempt}` : a.type === 'KillContainer' ? `Kill ${a.id}` : a.type));

describe('an image change restarts only that container, in place', () => {
  const v1 = pod('web:1');
  const v2 = pod('web:2');

  it.each<[string, Pod, RuntimeContainer[], string[]]>([
    ['first pass: the changed container is stopped with its grace period; the sandbox and the other container stay', v2, [sandbox, running(v1, 'web', 'running'), running(v1, 'side', 'running')], ['Kill web-0']],
    ['next pass: it starts again at once (no back-off) as the next attempt', v2, [sandbox, running(v1, 'web', 'exited'), running(v1, 'side', 'running')], ['Start web#1']],
    ['a container that exited 0 before the change restarts too (Always)', v2, [sandbox, running(v1, 'web', 'exited', 0, 0), running(v1, 'side', 'running')], ['Start web#1']],
    ['under restartPolicy Never it is stopped and stays down, as the kubelet does', pod('web:2', 'Never'), [sandbox, running(pod('web:1', 'Never'), 'web', 'exited'), running(pod('web:1', 'Never'), 'side', 'running')], []],
  ])('%s', (_name, desired, observed, expected) => {
    expect(show(computePodActions(desired, observePod(observed), NOW, cfg, { backoff: {}, pullFailures: {} }).actions)).toEqual(expected);
  });

  it('says why it stops the container, as the kubelet does', () => {
    const result = computePodActions(v2, observePod([sandbox, running(v1, 'web', 'running'), running(v1, 'side', 'running')]), NOW, cfg, { backoff: {}, pullFailures: {} });
    expect(result.events).toEqual([expect.objectContaining({ type: 'Normal', reason: 'Killing', message: 'Container web definition changed, will be restarted' })]);
  });
});

describe('a re-assignment of the same uid', () => {
  const at = { source: 'test', time: NOW };
  const assigned = (image: string, generation?: number): NodeAssignmentEvent => {
    const p = aRecordedPod({ name: 'a', uid: 'u1' });
    const withImage: Pod = { ...p, metadata: { ...p.metadata, ...(generation ? { generation } : {}) }, spec: { ...p.spec, containers: p.spec.containers.map((c) => ({ ...c, image })) } };
    return makeEvent<PodAssigned>('PodAssigned', 'n1', { nodeName: 'n1', pod: withImage }, at);
  };

  it('replaces the spec the worker runs (a newer generation)', () => {
    const s = emptyDesiredState();
    applyAssignment(s, assigned('web:1'));
    expect(applyAssignment(s, assigned('web:2', 2))).toEqual([{ uid: 'u1', kind: 'run' }]);
    expect(s.pods.get('u1')?.spec.containers[0].image).toBe('web:2');
  });

  it('is not undone by a late copy of the older assignment', () => {
    const s = emptyDesiredState();
    applyAssignment(s, assigned('web:2', 2));
    expect(applyAssignment(s, assigned('web:1'))).toEqual([]);
    expect(s.pods.get('u1')?.spec.containers[0].image).toBe('web:2');
  });
});
