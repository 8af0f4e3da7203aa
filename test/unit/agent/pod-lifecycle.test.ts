/**
 * The lifecycle decisions of computePodActions and buildPodStatus: init
 * containers in order, sidecars, probes, activeDeadlineSeconds and start
 * errors, as tables over observed states. Pure: no runtime.
 */
import type { Container, Pod, PodSpec } from '../../../shared/pod/schema';
import { computePodActions, type DecideContext, type PodAction, type SyncMemory } from '../../../agent/sync/compute-pod-actions';
import { observePod } from '../../../agent/sync/observe';
import { containerSpecHash, LABELS } from '../../../agent/runtime/labels';
import type { RuntimeContainer, RuntimeState } from '../../../agent/runtime/types';
import { buildPodStatus } from '../../../agent/status/pod-status';
import type { ProbeStates } from '../../../agent/probes/health';
import { podSummary } from '../../../shared/display/pod-row';

const NOW = new Date('2026-01-01T00:10:00.000Z');
const cfg = {
  backoff: { initialMs: 10_000, maxMs: 300_000, resetMs: 600_000 },
  node: { nodeName: 'n1', allowPrivileged: false, allowHostPath: false, agentVersion: 'v0.1.0' },
};
const fresh = (): SyncMemory => ({ backoff: {}, pullFailures: {} });

const c = (name: string, extra: Partial<Container> = {}): Container => ({ name, image: 'podflow/base:1', ...extra });

function pod(spec: Partial<PodSpec>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'u1', resourceVersion: '1', creationTimestamp: NOW.toISOString() },
    spec: { containers: [c('app')], ...spec },
    status: {},
  };
}

const sandbox: RuntimeContainer = {
  id: 'sb0',
  name: 'sb0',
  labels: { [LABELS.role]: 'sandbox', [LABELS.uid]: 'u1', [LABELS.attempt]: '0' },
  state: 'running',
  image: 'podflow/pause:1',
  createdAt: NOW.toISOString(),
  ip: '10.0.0.2',
};

function inst(p: Pod, name: string, state: RuntimeState, o: { exitCode?: number; attempt?: number; error?: string; sandboxId?: string } = {}): RuntimeContainer {
  const spec = [...(p.spec.initContainers ?? []), ...p.spec.containers].find((x) => x.name === name)!;
  const attempt = o.attempt ?? 0;
  return {
    id: `${name}-${attempt}`,
    name: `${name}-${attempt}`,
    labels: {
      [LABELS.role]: 'app',
      [LABELS.uid]: 'u1',
      [LABELS.container]: name,
      [LABELS.attempt]: String(attempt),
      [LABELS.specHash]: containerSpecHash(spec),
      [LABELS.sandboxId]: o.sandboxId ?? 'sb0',
    },
    state,
    image: spec.image,
    createdAt: NOW.toISOString(),
    startedAt: new Date(NOW.getTime() - 60_000).toISOString(),
    ...(state === 'exited' ? { exitCode: o.exitCode ?? 0, finishedAt: new Date(NOW.getTime() - 1_000).toISOString() } : {}),
    ...(o.error ? { error: o.error } : {}),
  };
}

const describe_ = (a: PodAction) => ('container' in a ? `${a.type}:${a.container}` : a.type);
const decide = (p: Pod, running: RuntimeContainer[], ctx: DecideContext = {}, memory = fresh()) => computePodActions(p, observePod([sandbox, ...running]), NOW, cfg, memory, ctx);

const sidecarSpec = c('proxy', { restartPolicy: 'Always' });

describe('init containers', () => {
  const p = pod({ initContainers: [c('fetch'), c('migrate')] });
  it.each<[string, (p: Pod) => RuntimeContainer[], string[], Record<string, string>]>([
    ['nothing ran yet: only the first init container starts', () => [], ['StartContainer:fetch'], { migrate: 'PodInitializing', app: 'PodInitializing' }],
    ['the first runs: nothing else starts', (p) => [inst(p, 'fetch', 'running')], [], { migrate: 'PodInitializing', app: 'PodInitializing' }],
    ['the first succeeded: the second starts', (p) => [inst(p, 'fetch', 'exited')], ['StartContainer:migrate'], { app: 'PodInitializing' }],
    ['both succeeded: the app starts', (p) => [inst(p, 'fetch', 'exited'), inst(p, 'migrate', 'exited')], ['StartContainer:app'], {}],
    ['an app container ran: inits are not run again', (p) => [inst(p, 'app', 'running')], [], {}],
    ['an init from an older sandbox runs again at once', (p) => [inst(p, 'fetch', 'exited', { sandboxId: 'old' })], ['StartContainer:fetch'], { migrate: 'PodInitializing', app: 'PodInitializing' }],
  ])('%s', (_name, running, actions, waiting) => {
    const d = decide(p, running(p));
    expect(d.actions.map(describe_)).toEqual(actions);
    expect(Object.fromEntries(Object.entries(d.waiting).map(([k, v]) => [k, v.reason]))).toEqual(waiting);
  });

  it('a failed init container is restarted with back-off under Always and OnFailure', () => {
    for (const restartPolicy of ['Always', 'OnFailure'] as const) {
      const q = pod({ initContainers: [c('fetch')], restartPolicy });
      const d = decide(q, [inst(q, 'fetch', 'exited', { exitCode: 1 })]);
      expect(d.actions).toEqual([]);
      expect(d.waiting.fetch?.reason).toBe('CrashLoopBackOff');
      const status = buildPodStatus({ pod: q, observed: observePod([sandbox, inst(q, 'fetch', 'exited', { exitCode: 1 })]), waiting: d.waiting, runtimeKind: 'docker', hostIP: '1.1.1.1', startTime: NOW.toISOString(), now: NOW });
      expect(status.phase).toBe('Pending');
      expect(podSummary({ ...q, status }).reason).toBe('Init:CrashLoopBackOff');
    }
  });

  it('a failed init container fails the pod under Never, and nothing starts', () => {
    const q = pod({ initContainers: [c('fetch')], restartPolicy: 'Never' });
    const observed = [inst(q, 'fetch', 'exited', { exitCode: 2 })];
    const d = decide(q, observed);
    expect(d.actions).toEqual([]);
    const status = buildPodStatus({ pod: q, observed: observePod([sandbox, ...observed]), waiting: d.waiting, runtimeKind: 'docker', hostIP: '1.1.1.1', startTime: NOW.toISOString(), now: NOW });
    expect(status.phase).toBe('Failed');
    expect(podSummary({ ...q, status }).reason).toBe('Init:Error');
  });

  it('reports initContainerStatuses, the Initialized condition and Init:N/M', () => {
    const observed = [inst(p, 'fetch', 'exited'), inst(p, 'migrate', 'running')];
    const d = decide(p, observed);
    const status = buildPodStatus({ pod: p, observed: observePod([sandbox, ...observed]), waiting: d.waiting, runtimeKind: 'docker', hostIP: '1.1.1.1', startTime: NOW.toISOString(), now: NOW });
    expect(status.initContainerStatuses?.map((s) => [s.name, Object.keys(s.state)[0], s.ready])).toEqual([
      ['fetch', 'terminated', true],
      ['migrate', 'running', false],
    ]);
    expect(status.initContainerStatuses?.[0]?.state.terminated?.reason).toBe('Completed');
    expect(status.containerStatuses?.[0]?.state.waiting?.reason).toBe('PodInitializing');
    expect(status.phase).toBe('Pending');
    const initialized = status.conditions?.find((x) => x.type === 'Initialized');
    expect(initialized).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [migrate]' });
    expect(podSummary({ ...p, status }).reason).toBe('Init:1/2');
  });
});

describe('sidecars', () => {
  const p = pod({ initContainers: [sidecarSpec, c('fetch')], restartPolicy: 'Never' });
  it('starts first and must be started before the next init container', () => {
    expect(decide(p, []).actions.map(describe_)).toEqual(['StartContainer:proxy']);
    expect(decide(p, [inst(p, 'proxy', 'running')]).actions.map(describe_)).toEqual(['StartContainer:fetch']);
  });

  it('waits for its startup probe before the next init container', () => {
    const withStartup = pod({ initContainers: [c('proxy', { restartPolicy: 'Always', startupProbe: { exec: { command: ['true'] } } }), c('fetch')] });
    expect(decide(withStartup, [inst(withStartup, 'proxy', 'running')]).actions).toEqual([]);
    const passed: ProbeStates = { startup: { ok: true, successes: 1, failures: 0, done: true } };
    expect(decide(withStartup, [inst(withStartup, 'proxy', 'running')], { probes: () => passed }).actions.map(describe_)).toEqual(['StartContainer:fetch']);
  });

  it('is restarted when it exits, even under restartPolicy Never', () => {
    const running = [inst(p, 'proxy', 'exited', { exitCode: 1 }), inst(p, 'fetch', 'exited'), inst(p, 'app', 'running')];
    const d = decide(p, running);
    expect(d.waiting.proxy?.reason).toBe('CrashLoopBackOff');
  });

  it('does not keep a finished pod running: stopped once the app containers are done, and the pod succeeds', () => {
    const running = [inst(p, 'proxy', 'running'), inst(p, 'fetch', 'exited'), inst(p, 'app', 'exited', { exitCode: 0 })];
    const d = decide(p, running);
    expect(d.actions.map(describe_)).toEqual(['KillContainer:proxy']);
    const stopped = [inst(p, 'proxy', 'exited', { exitCode: 143 }), inst(p, 'fetch', 'exited'), inst(p, 'app', 'exited', { exitCode: 0 })];
    expect(decide(p, stopped).actions).toEqual([]);
    const status = buildPodStatus({ pod: p, observed: observePod([sandbox, ...stopped]), waiting: {}, runtimeKind: 'docker', hostIP: '1.1.1.1', startTime: NOW.toISOString(), now: NOW });
    expect(status.phase).toBe('Succeeded');
  });

  it('stops sidecars in reverse order, one per pass', () => {
    const q = pod({ initContainers: [c('a', { restartPolicy: 'Always' }), c('b', { restartPolicy: 'Always' })], restartPolicy: 'OnFailure' });
    const all = [inst(q, 'a', 'running'), inst(q, 'b', 'running'), inst(q, 'app', 'exited', { exitCode: 0 })];
    expect(decide(q, all).actions.map(describe_)).toEqual(['KillContainer:b']);
    expect(decide(q, [inst(q, 'a', 'running'), inst(q, 'b', 'exited', { exitCode: 143 }), inst(q, 'app', 'exited', { exitCode: 0 })]).actions.map(describe_)).toEqual(['KillContainer:a']);
  });

  it('counts in READY as kubectl 1.29+ shows it', () => {
    const running = [inst(p, 'proxy', 'running'), inst(p, 'fetch', 'exited'), inst(p, 'app', 'running')];
    const status = buildPodStatus({ pod: p, observed: observePod([sandbox, ...running]), waiting: {}, runtimeKind: 'docker', hostIP: '1.1.1.1', startTime: NOW.toISOString(), now: NOW });
    expect(status.phase).toBe('Running');
    expect(podSummary({ ...p, status })).toMatchObject({ reason: 'Running', ready: 2, total: 2 });
  });
});

describe('probes', () => {
  const probe = { exec: { command: ['true'] }, periodSeconds: 10, failureThreshold: 3 };
  const p = pod({ containers: [c('app', { readinessProbe: probe, livenessProbe: probe })] });
  const status = (probes: ProbeStates | undefined) =>
    buildPodStatus({ pod: p, observed: observePod([sandbox, inst(p, 'app', 'running')]), waiting: {}, runtimeKind: 'docker', hostIP: '1.1.1.1', startTime: NOW.toISOString(), now: NOW, decide: { probes: () => probes } });

  it.each<[string, ProbeStates | undefined, boolean, string]>([
    ['not probed yet: not ready', undefined, false, 'False'],
    ['readiness passed: ready', { readiness: { ok: true, successes: 1, failures: 0 } }, true, 'True'],
    ['readiness failing: not ready', { readiness: { ok: false, successes: 0, failures: 3 } }, false, 'False'],
  ])('%s', (_name, probes, ready, condition) => {
    const s = status(probes);
    expect(s.containerStatuses?.[0]?.ready).toBe(ready);
    expect(s.conditions?.find((x) => x.type === 'Ready')?.status).toBe(condition);
  });

  it('a failed liveness probe kills the container with kubelet words', () => {
    const d = decide(p, [inst(p, 'app', 'running')], { probes: () => ({ liveness: { ok: false, successes: 0, failures: 3 } }) });
    expect(d.actions.map(describe_)).toEqual(['KillContainer:app']);
    expect(d.events).toContainEqual(expect.objectContaining({ reason: 'Killing', message: 'Container app failed liveness probe, will be restarted' }));
  });

  it('a failed startup probe kills it; liveness waits for startup', () => {
    const q = pod({ containers: [c('app', { startupProbe: probe, livenessProbe: probe })] });
    const failing = decide(q, [inst(q, 'app', 'running')], { probes: () => ({ startup: { ok: false, successes: 0, failures: 3 } }) });
    expect(failing.actions.map(describe_)).toEqual(['KillContainer:app']);
    const waiting = decide(q, [inst(q, 'app', 'running')], { probes: () => ({ startup: { ok: true, successes: 0, failures: 1 }, liveness: { ok: false, successes: 0, failures: 3 } }) });
    expect(waiting.actions).toEqual([]);
  });
});

describe('activeDeadlineSeconds', () => {
  const p = pod({ activeDeadlineSeconds: 30 });
  it('before the deadline: nothing, and a look at the deadline', () => {
    const d = decide(p, [inst(p, 'app', 'running')], { startTime: new Date(NOW.getTime() - 10_000).toISOString() });
    expect(d.actions).toEqual([]);
    expect(d.requeueAt).toBe(NOW.getTime() + 20_000);
  });
  it('past it: every container stops, the pod fails with DeadlineExceeded', () => {
    const ctx = { startTime: new Date(NOW.getTime() - 31_000).toISOString() };
    const d = decide(p, [inst(p, 'app', 'running')], ctx);
    expect(d.deadlineExceeded).toBe(true);
    expect(d.actions.map(describe_)).toEqual(['KillContainer:app']);
    expect(d.events).toContainEqual(expect.objectContaining({ reason: 'DeadlineExceeded' }));
    const stopped = [inst(p, 'app', 'exited', { exitCode: 137 })];
    expect(decide(p, stopped, ctx).actions).toEqual([]);
    const status = buildPodStatus({ pod: p, observed: observePod([sandbox, ...stopped]), waiting: {}, runtimeKind: 'docker', hostIP: '1.1.1.1', startTime: ctx.startTime, now: NOW, deadlineExceeded: true });
    expect(status).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
  });
});

describe('start errors', () => {
  it('back off like crashes instead of retrying at once', () => {
    const p = pod({});
    const failed = inst(p, 'app', 'exited', { exitCode: 127, error: 'exec: "/nonexistent": stat /nonexistent: no such file or directory' });
    const d = decide(p, [failed]);
    expect(d.actions).toEqual([]);
    expect(d.waiting.app?.reason).toBe('CrashLoopBackOff');
    const status = buildPodStatus({ pod: p, observed: observePod([sandbox, failed]), waiting: d.waiting, runtimeKind: 'docker', hostIP: '1.1.1.1', startTime: NOW.toISOString(), now: NOW });
    expect(status.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({ reason: 'StartError', exitCode: 127 });
  });
});

describe('termination messages', () => {
  it('fill state.terminated.message', () => {
    const p = pod({ restartPolicy: 'Never' });
    const done = inst(p, 'app', 'exited', { exitCode: 3 });
    const status = buildPodStatus({ pod: p, observed: observePod([sandbox, done]), waiting: {}, runtimeKind: 'docker', hostIP: '1.1.1.1', startTime: NOW.toISOString(), now: NOW, messages: { [done.id]: 'disk full' } });
    expect(status.containerStatuses?.[0]?.state.terminated).toMatchObject({ exitCode: 3, reason: 'Error', message: 'disk full' });
  });
});
