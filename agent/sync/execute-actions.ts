/**
 * Executes the numbered actions of one sync pass, as the kubelet's SyncPod:
 * kills and removals first, then the sandbox, then container starts (in
 * parallel: they all join the same sandbox). Each step records its result and
 * the Kubernetes events it caused (Pulling, Pulled, Created, Started, Killing,
 * Failed ...). A failed step never throws out of the pass: it becomes a Warning
 * event and a waiting reason, and the next pass decides again.
 */
import type { PodEventRecord } from '../../shared/events/pod-status';
import type { Pod } from '../../shared/pod/schema';
import type { Logger } from '../../shared/ports';
import { containerSpecFor, emptyDirNames, podIdentity } from '../runtime/container-config';
import { LABELS, podHostname, podLabels, sandboxName } from '../runtime/labels';
import { RuntimeError, type ContainerRuntime, type RuntimeContainer } from '../runtime/types';
import { nextDelay, type BackoffConfig } from './backoff';
import type { PodAction, SyncMemory, Waiting } from './compute-pod-actions';
import { effectivePullPolicy, imageStep } from './image-policy';

export const POD_START_TIME_LABEL = 'podflow.pod.start-time';

export interface ExecuteContext {
  runtime: ContainerRuntime;
  nodeName: string;
  pauseImage: string;
  backoff: BackoffConfig;
  now: () => Date;
  logger: Logger;
}

export interface StepResult {
  step: number;
  action: PodAction['type'];
  target: string;
  ok: boolean;
  error?: string;
}

export interface ExecuteResult {
  steps: StepResult[];
  events: PodEventRecord[];
  /** Waiting reasons caused by this pass (ErrImagePull ...), shown before the next decision. */
  waiting: Record<string, Waiting>;
}

function phaseOf(action: PodAction): number {
  switch (action.type) {
    case 'KillContainer':
    case 'RemoveContainer':
    case 'KillSandbox':
      return 0;
    case 'CreateSandbox':
      return 1;
    case 'StartCreated':
    case 'StartContainer':
      return 2;
  }
}

export async function executeActions(
  ctx: ExecuteContext,
  pod: Pod,
  actions: readonly PodAction[],
  sandbox: RuntimeContainer | undefined,
  memory: SyncMemory,
  startTime: string,
): Promise<ExecuteResult> {
  const result: ExecuteResult = { steps: [], events: [], waiting: {} };
  const event = (type: 'Normal' | 'Warning', reason: string, message: string) =>
    result.events.push({ type, reason, message, time: ctx.now().toISOString() });
  const containerOf = (name: string) => pod.spec.containers.find((c) => c.name === name)!;

  const run = async (step: number, action: PodAction): Promise<void> => {
    const target = 'container' in action ? action.container : action.type === 'CreateSandbox' ? 'sandbox' : action.id.slice(0, 12);
    try {
      switch (action.type) {
        case 'KillContainer':
          event('Normal', 'Killing', `Stopping container ${action.container}: ${action.reason}`);
          await ctx.runtime.stopContainer(action.id, action.graceSeconds);
          if (action.remove) await ctx.runtime.removeContainer(action.id);
          break;
        case 'RemoveContainer':
        case 'KillSandbox':
          await ctx.runtime.removeContainer(action.id);
          break;
        case 'CreateSandbox':
          sandbox = await createSandbox(ctx, pod, action.attempt, startTime);
          break;
        case 'StartCreated':
          await ctx.runtime.startContainer(action.id);
          event('Normal', 'Started', `Started container ${action.container}`);
          break;
        case 'StartContainer':
          if (!sandbox) throw new Error('no running sandbox to join');
          await startContainer(ctx, pod, containerOf(action.container), action.attempt, sandbox, memory, result, event);
          break;
      }
      result.steps.push({ step, action: action.type, target, ok: true });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      result.steps.push({ step, action: action.type, target, ok: false, error: message });
      ctx.logger.warn({ uid: pod.metadata.uid, step, action: action.type, target, err: message }, 'sync step failed');
      if (action.type === 'CreateSandbox') event('Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${message}`);
      else if (action.type === 'StartContainer' || action.type === 'StartCreated') {
        if (!(err instanceof RuntimeError && err.code === 'ImageNotFound')) {
          event('Warning', 'Failed', `Error: ${message}`);
          if (err instanceof RuntimeError && err.code !== 'StartFailed') result.waiting[action.container] = { reason: 'CreateContainerError', message };
        }
      }
    }
  };

  const indexed = actions.map((action, index) => ({ action, step: index + 1 }));
  for (const phase of [0, 1, 2]) {
    await Promise.all(indexed.filter((a) => phaseOf(a.action) === phase).map((a) => run(a.step, a.action)));
  }
  return result;
}

async function createSandbox(ctx: ExecuteContext, pod: Pod, attempt: number, startTime: string): Promise<RuntimeContainer> {
  const id = podIdentity(pod, ctx.nodeName);
  const labels = podLabels(id);
  await Promise.all(emptyDirNames(pod).map((v) => ctx.runtime.ensureVolume(v.runtimeName, { ...labels, [LABELS.volume]: v.volume })));
  if (!(await ctx.runtime.imagePresent(ctx.pauseImage))) {
    throw new RuntimeError(`the sandbox image ${ctx.pauseImage} is not on this node (run scripts/build-images.sh)`, 'ImageNotFound');
  }
  return ctx.runtime.runSandbox({
    name: sandboxName(id, attempt),
    hostname: pod.spec.hostname ?? podHostname(pod.metadata.name),
    image: ctx.pauseImage,
    labels: { ...labels, [LABELS.role]: 'sandbox', [LABELS.attempt]: String(attempt), [POD_START_TIME_LABEL]: startTime },
  });
}

async function startContainer(
  ctx: ExecuteContext,
  pod: Pod,
  container: Pod['spec']['containers'][number],
  attempt: number,
  sandbox: RuntimeContainer,
  memory: SyncMemory,
  result: ExecuteResult,
  event: (type: 'Normal' | 'Warning', reason: string, message: string) => void,
): Promise<void> {
  const image = container.image;
  const step = imageStep(effectivePullPolicy(container), await ctx.runtime.imagePresent(image));
  const fail = (reason: 'ErrImagePull' | 'ErrImageNeverPull', message: string) => {
    const delayMs = nextDelay(memory.pullFailures[container.name]?.delayMs, 0, ctx.backoff);
    memory.pullFailures[container.name] = { reason, message, delayMs, notBefore: ctx.now().getTime() + delayMs };
    result.waiting[container.name] = { reason, message };
  };
  if (step === 'never-pull-missing') {
    const message = `Container image "${image}" is not present with pull policy of Never`;
    event('Warning', 'ErrImageNeverPull', message);
    fail('ErrImageNeverPull', message);
    return;
  }
  if (step === 'pull') {
    event('Normal', 'Pulling', `Pulling image "${image}"`);
    const started = Date.now();
    try {
      await ctx.runtime.pullImage(image);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      event('Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
      event('Warning', 'Failed', 'Error: ErrImagePull');
      fail('ErrImagePull', message);
      return;
    }
    event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${Date.now() - started}ms`);
  } else {
    event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
  }
  delete memory.pullFailures[container.name];
  const spec = containerSpecFor(pod, container, ctx.nodeName, sandbox.id, attempt);
  const id = await ctx.runtime.createContainer(spec);
  event('Normal', 'Created', `Created container ${container.name}`);
  await ctx.runtime.startContainer(id);
  event('Normal', 'Started', `Started container ${container.name}`);
}
