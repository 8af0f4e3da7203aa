/** Restart policies, exit codes, crash back-off, OOM and image pull failures on real Docker. */
import { randomUUID } from 'node:crypto';
import { TOPICS, type PodStatusReported } from '../../../shared/events';
import { startTestParts, type TestParts } from '../../helpers/parts';
import type { ContainerStatus, Pod, PodSpec } from '../../../shared/pod/schema';
import { aPod, assign, isStatusOf, TopicRecorder } from '../../helpers/agent-kafka';
import { attemptRuns, restartGaps } from '../../helpers/agent-attempts';
import { agentSettings, cleanupNode, nodeContainers, startDockerAgent, testNodeName, type RunningAgent } from '../../helpers/agent-docker';

const BACKOFF = { initialMs: 400, maxMs: 1600, resetMs: 60_000 };

describe('restart policy and back-off on Docker', () => {
  let broker: TestParts;
  let recorder: TopicRecorder;
  let running: RunningAgent;
  const node = testNodeName('restart');
  const namespace = `ns-${randomUUID().slice(0, 6)}`;
  const pods: Record<string, Pod> = {};
  const make = (name: string, spec: Partial<PodSpec> & { command?: string[]; image?: string; limits?: Record<string, string>; pull?: 'Never' }) => {
    const { command, image, limits, pull, ...rest } = spec;
    pods[name] = aPod({
      name,
      namespace,
      spec: {
        terminationGracePeriodSeconds: 0,
        ...rest,
        containers: [{ name: 'main', image: image ?? 'podflow/base:1', command, ...(limits ? { resources: { limits } } : {}), ...(pull ? { imagePullPolicy: pull } : {}) }],
      },
    });
  };
  const main = (e: PodStatusReported): ContainerStatus => e.data.status.containerStatuses![0];
  const waitStatus = (name: string, test: (e: PodStatusReported) => boolean, what: string, ms = 20_000) =>
    recorder.waitFor(isStatusOf(pods[name].metadata.uid, test), ms, `${name}: ${what}`);

  beforeAll(async () => {
    broker = await startTestParts({ tables: false });
    const kafka = broker.kafka();
    recorder = await TopicRecorder.start(kafka, [TOPICS.podStatus]);
    running = await startDockerAgent(kafka, agentSettings(node, { backoff: BACKOFF }));
    make('always-crash', { restartPolicy: 'Always', command: ['sh', '-c', 'echo run; exit 3'] });
    make('onfailure-ok', { restartPolicy: 'OnFailure', command: ['sh', '-c', 'exit 0'] });
    make('onfailure-fail', { restartPolicy: 'OnFailure', command: ['sh', '-c', 'exit 2'] });
    make('never-fail', { restartPolicy: 'Never', command: ['sh', '-c', 'exit 5'] });
    make('never-ok', { restartPolicy: 'Never', command: ['sh', '-c', 'exit 0'] });
    make('oom', { restartPolicy: 'Never', command: ['sh', '-c', 'a=$(head -c 67108864 /dev/zero | tr "\\0" x); echo survived'], limits: { memory: '16Mi', cpu: '500m' } });
    make('missing-image', { image: 'podflow/does-not-exist:1' });
    make('never-pull', { image: 'podflow/does-not-exist:2', pull: 'Never' });
    await Promise.all(Object.values(pods).map((p) => assign(running.publisher, node, p)));
  });

  afterAll(async () => {
    await running?.stop();
    await cleanupNode(node);
    await recorder?.stop();
    await broker?.stop();
  });

  it('Always: restarts a crashing container with growing back-off, reporting CrashLoopBackOff and the last exit', async () => {
    const uid = pods['always-crash'].metadata.uid;
    const gapsNow = () => restartGaps(attemptRuns(recorder.statuses(uid).map(main)));
    const looping = await waitStatus(
      'always-crash',
      (e) => main(e).restartCount >= 4 && main(e).state.waiting?.reason === 'CrashLoopBackOff' && gapsNow().size >= 3,
      'restartCount 4 in CrashLoopBackOff with three restart gaps known',
    );
    expect(looping.data.status.phase).toBe('Running');
    expect(main(looping).lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(main(looping).state.waiting?.message).toMatch(/^back-off \d+(ms|s) restarting failed container=main pod=always-crash_/);
    // From attempt i finishing to attempt i+1 starting: at least 400, 800, then 1600 (cap) ms, so never two
    // attempts at once. (Under machine load a restart may come later than its back-off, never earlier.)
    const gaps = gapsNow();
    const minimum = (attempt: number) => Math.min(BACKOFF.initialMs * 2 ** attempt, BACKOFF.maxMs) - 20;
    expect([...gaps].filter(([attempt, gap]) => gap < minimum(attempt)).map(([attempt, gap]) => `attempt ${attempt} → ${attempt + 1}: ${gap} ms`)).toEqual([]);
    expect(gaps.size).toBeGreaterThanOrEqual(3);
    expect(looping.data.events.map((x) => x.reason).concat(recorder.statuses(uid).flatMap((x) => x.data.events.map((y) => y.reason)))).toContain('BackOff');
  });

  it('OnFailure: exit 0 completes the pod (Succeeded, Completed, no restart)', async () => {
    const done = await waitStatus('onfailure-ok', (e) => e.data.status.phase === 'Succeeded', 'Succeeded');
    expect(main(done).state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(main(done).restartCount).toBe(0);
  });

  it('OnFailure: a failing container is restarted', async () => {
    const again = await waitStatus('onfailure-fail', (e) => main(e).restartCount >= 1, 'restarted');
    expect(again.data.status.phase).toBe('Running');
    expect(main(again).lastState?.terminated?.exitCode).toBe(2);
  });

  it('Never: a failing container fails the pod with its exit code; exit 0 succeeds it', async () => {
    const failed = await waitStatus('never-fail', (e) => e.data.status.phase === 'Failed', 'Failed');
    expect(main(failed).state.terminated).toMatchObject({ exitCode: 5, reason: 'Error' });
    expect(main(failed).restartCount).toBe(0);
    const ok = await waitStatus('never-ok', (e) => e.data.status.phase === 'Succeeded', 'Succeeded');
    expect(main(ok).state.terminated?.finishedAt).toBeTruthy();
    expect(await nodeContainers(node, pods['never-fail'].metadata.uid)).toHaveLength(2);
  });

  it('kills a container over its memory limit: OOMKilled, exit 137', async () => {
    const oom = await waitStatus('oom', (e) => e.data.status.phase === 'Failed', 'Failed');
    expect(main(oom).state.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it('reports ErrImagePull then ImagePullBackOff for a missing image, with a Warning event, and keeps serving other pods', async () => {
    await waitStatus('missing-image', (e) => main(e).state.waiting?.reason === 'ErrImagePull', 'ErrImagePull');
    const backoff = await waitStatus('missing-image', (e) => main(e).state.waiting?.reason === 'ImagePullBackOff', 'ImagePullBackOff');
    expect(backoff.data.status.phase).toBe('Pending');
    const events = recorder.statuses(pods['missing-image'].metadata.uid).flatMap((e) => e.data.events);
    expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Warning', reason: 'Failed', message: expect.stringContaining('podflow/does-not-exist:1') })]));
    expect(events.map((e) => e.reason)).toContain('Pulling');
    const never = await waitStatus('never-pull', (e) => main(e).state.waiting?.reason === 'ErrImageNeverPull', 'ErrImageNeverPull');
    expect(never.data.status.phase).toBe('Pending');
    expect(running.agent.state).toBe('RUNNING');
  });
});
