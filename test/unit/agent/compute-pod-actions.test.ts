import type { Pod, PodSpec } from '../../../shared/pod/schema';
import { computePodActions, type PodAction, type SyncMemory } from '../../../agent/sync/compute-pod-actions';
import { observePod } from '../../../agent/sync/observe';
import { containerSpecHash, LABELS } from '../../../agent/runtime/labels';
import type { RuntimeContainer, RuntimeState } from '../../../agent/runtime/types';

const NOW = new Date('2026-01-01T00:10:00.000Z');
const cfg = {
  backoff: { initialMs: 10_000, maxMs: 300_000, resetMs: 600_000 },
  node: { nodeName: 'n1', allowPrivileged: false, allowHostPath: false, agentVersion: 'v0.1.0' },
};

function pod(spec: Partial<PodSpec> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'u1', resourceVersion: '1', creationTimestamp: NOW.toISOString() },
    spec: { containers: [{ name: 'app', image: 'podflow/base:1' }], ...spec },
    status: {},
  };
}

const sandbox = (state: RuntimeState, attempt = 0, id = `sb${attempt}`): RuntimeContainer => ({
  id,
  name: id,
  labels: { [LABELS.role]: 'sandbox', [LABELS.uid]: 'u1', [LABELS.attempt]: String(attempt) },
  state,
  image: 'podflow/pause:1',
  createdAt: NOW.toISOString(),
  ...(state === 'running' ? { ip: '10.0.0.2' } : {}),
});

function app(
  p: Pod,
  state: RuntimeState,
  o: { attempt?: number; id?: string; exitCode?: number; finishedAgoMs?: number; ranMs?: number; sandboxId?: string; hash?: string; name?: string } = {},
): RuntimeContainer {
  const name = o.name ?? 'app';
  const attempt = o.attempt ?? 0;
  const finished = NOW.getTime() - (o.finishedAgoMs ?? 1_000);
  return {
    id: o.id ?? `${name}-${attempt}`,
    name: `${name}-${attempt}`,
    labels: {
      [LABELS.role]: 'app',
      [LABELS.uid]: 'u1',
      [LABELS.container]: name,
      [LABELS.attempt]: String(attempt),
      [LABELS.specHash]: o.hash ?? containerSpecHash(p.spec.containers.find((c) => c.name === name)!),
      [LABELS.sandboxId]: o.sandboxId ?? 'sb0',
    },
    state,
    image: 'podflow/base:1',
    createdAt: NOW.toISOString(),
    ...(state === 'exited'
      ? { exitCode: o.exitCode ?? 1, startedAt: new Date(finished - (o.ranMs ?? 500)).toISOString(), finishedAt: new Date(finished).toISOString() }
      : state === 'running'
        ? { startedAt: new Date(NOW.getTime() - 5_000).toISOString() }
        : {}),
  };
}

const noMemory = (): SyncMemory => ({ backoff: {}, pullFailures: {} });
const types = (actions: PodAction[]) => actions.map((a) => (a.type === 'StartContainer' ? `Start ${a.container}#${a.attempt}` : a.type === 'KillContainer' ? `Kill ${a.id}` : a.type === 'CreateSandbox' ? `CreateSandbox#${a.attempt}` : `${a.type} ${'id' in a ? a.id : ''}`));

describe('computePodActions', () => {
  const always = pod();
  const never = pod({ restartPolicy: 'Never' });
  const onFailure = pod({ restartPolicy: 'OnFailure' });

  it.each<[string, Pod, RuntimeContainer[], string[]]>([
    ['a new pod gets a sandbox first', always, [], ['CreateSandbox#0']],
    ['with a sandbox, the container starts', always, [sandbox('running')], ['Start app#0']],
    ['a running container is left alone (adopted)', always, [sandbox('running'), app(always, 'running')], []],
    ['a created, never started container is started, not duplicated', always, [sandbox('running'), app(always, 'created')], ['StartCreated app-0']],
    ['a created container of another spec is removed first', always, [sandbox('running'), app(always, 'created', { hash: 'other' })], ['Kill app-0']],
    ['a container in an unknown state is killed before anything else', always, [sandbox('running'), app(always, 'unknown')], ['Kill app-0']],
    ['a running container whose spec changed is killed', always, [sandbox('running'), app(always, 'running', { hash: 'old' })], ['Kill app-0']],
    ['an older attempt still running is killed (never two copies)', always, [sandbox('running'), app(always, 'running', { attempt: 1 }), app(always, 'running', { attempt: 0 })], ['Kill app-0']],
    ['old exited attempts beyond the last one are removed', always, [sandbox('running'), app(always, 'running', { attempt: 3 }), app(always, 'exited', { attempt: 2 }), app(always, 'exited', { attempt: 1 })], ['RemoveContainer app-1']],
    ['an exit past its back-off restarts with the next attempt (Always)', always, [sandbox('running'), app(always, 'exited', { exitCode: 0, finishedAgoMs: 11_000 })], ['Start app#1']],
    ['exit 0 under OnFailure stays down', onFailure, [sandbox('running'), app(onFailure, 'exited', { exitCode: 0, finishedAgoMs: 60_000 })], []],
    ['exit 3 under OnFailure restarts after its back-off', onFailure, [sandbox('running'), app(onFailure, 'exited', { exitCode: 3, finishedAgoMs: 60_000 })], ['Start app#1']],
    ['any exit under Never stays down', never, [sandbox('running'), app(never, 'exited', { exitCode: 3, finishedAgoMs: 60_000 })], []],
    ['a dead sandbox: kill the apps in it, replace the sandbox', always, [sandbox('exited'), app(always, 'running')], ['Kill app-0', 'KillSandbox sb0', 'CreateSandbox#1']],
    ['a sandbox created but never started is replaced', always, [sandbox('created')], ['KillSandbox sb0', 'CreateSandbox#1']],
    ['a finished Never pod needs no new sandbox', never, [sandbox('exited'), app(never, 'exited', { exitCode: 0 })], []],
    ['an older sandbox is removed once a newer one runs', always, [sandbox('running', 1, 'sb1'), sandbox('exited', 0, 'sb0'), app(always, 'running', { sandboxId: 'sb1' })], ['KillSandbox sb0']],
    ['a container still running in an old sandbox is killed', always, [sandbox('running', 1, 'sb1'), app(always, 'running', { sandboxId: 'sb0' })], ['Kill app-0']],
  ])('%s', (_name, p, containers, expected) => {
    expect(types(computePodActions(p, observePod(containers), NOW, cfg, noMemory()).actions)).toEqual(expected);
  });

  it('puts every kill before any start, in one pass', () => {
    const two = pod({ containers: [{ name: 'a', image: 'podflow/base:1' }, { name: 'b', image: 'podflow/base:1' }] });
    const result = computePodActions(two, observePod([sandbox('running'), app(two, 'unknown', { name: 'b' })]), NOW, cfg, noMemory());
    expect(types(result.actions)).toEqual(['Kill b-0', 'Start a#0']);
    expect(result.resync).toBe(true);
  });

  it('waits in CrashLoopBackOff within the back-off and asks to be woken when it ends', () => {
    const result = computePodActions(always, observePod([sandbox('running'), app(always, 'exited', { finishedAgoMs: 2_000 })]), NOW, cfg, noMemory());
    expect(result.actions).toEqual([]);
    expect(result.waiting.app).toEqual({ reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=p_ns(u1)' });
    expect(result.requeueAt).toBe(NOW.getTime() - 2_000 + 10_000);
    expect(result.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'BackOff' })]);
  });

  it('doubles the wait after the next quick crash and does not repeat the BackOff event for the same exit', () => {
    const memory = noMemory();
    memory.backoff.app = { instanceId: 'app-0', delayMs: 10_000, notBefore: 0 };
    const observed = observePod([sandbox('running'), app(always, 'exited', { attempt: 1, id: 'app-1', finishedAgoMs: 15_000, ranMs: 1_000 })]);
    const first = computePodActions(always, observed, NOW, cfg, memory);
    expect(first.backoff.app).toMatchObject({ instanceId: 'app-1', delayMs: 20_000 });
    expect(first.waiting.app.reason).toBe('CrashLoopBackOff');
    const again = computePodActions(always, observed, NOW, cfg, { ...memory, backoff: first.backoff });
    expect(again.events).toEqual([]);
  });

  it('shows ImagePullBackOff while a pull failure backs off, then tries again', () => {
    const memory = noMemory();
    memory.pullFailures.app = { reason: 'ErrImagePull', message: 'no such image', delayMs: 10_000, notBefore: NOW.getTime() + 5_000 };
    const waiting = computePodActions(always, observePod([sandbox('running')]), NOW, cfg, memory);
    expect(waiting.actions).toEqual([]);
    expect(waiting.waiting.app.reason).toBe('ImagePullBackOff');
    const later = computePodActions(always, observePod([sandbox('running')]), new Date(NOW.getTime() + 6_000), cfg, memory);
    expect(types(later.actions)).toEqual(['Start app#0']);
  });

  it.each([
    ['hostPath on a node that forbids it', pod({ volumes: [{ name: 'h', hostPath: { path: '/etc' } }] }), 'FailedValidation'],
    ['privileged on a node that forbids it', pod({ containers: [{ name: 'app', image: 'i:1', securityContext: { privileged: true } }] }), 'FailedValidation'],
    ['a mount of an undeclared volume', pod({ containers: [{ name: 'app', image: 'i:1', volumeMounts: [{ name: 'x', mountPath: '/x' }] }] }), 'Failed'],
  ])('refuses %s: no sandbox, containers wait with CreateContainerConfigError', (_name, p, eventReason) => {
    const result = computePodActions(p, observePod([]), NOW, cfg, noMemory());
    expect(result.actions).toEqual([]);
    expect(result.refusal?.eventReason).toBe(eventReason);
    expect(result.waiting.app.reason).toBe('CreateContainerConfigError');
  });

  it('allows hostPath on a node that allows it, in a privileged namespace', () => {
    const p = pod({ volumes: [{ name: 'h', hostPath: { path: '/tmp' } }] });
    const node = { ...cfg.node, allowHostPath: true, podSecurity: { namespaceLevels: {}, defaultLevel: 'privileged' as const } };
    const result = computePodActions(p, observePod([]), NOW, { ...cfg, node }, noMemory());
    expect(result.refusal).toBeNull();
    expect(types(result.actions)).toEqual(['CreateSandbox#0']);
  });
});
