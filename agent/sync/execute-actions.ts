/**
 * Executes the numbered actions of one sync pass, as the kubelet's SyncPod:
 * kills and removals first (each after its container's preStop hook, within
 * the grace period), then the sandbox, then container starts in spec order (in
 * parallel, except that a container with a postStart hook holds the ones after
 * it until the hook has run, as the kubelet's sequential start does; a failed
 * hook kills its container). Each step records its result and
 * the Kubernetes events it caused (Pulling, Pulled, Created, Started, Killing,
 * Failed ...). A failed step never throws out of the pass: it becomes a Warning
 * event and a waiting reason, and the next pass decides again.
 */
import type { PodEventRecord } from '../../shared/events/pod-status';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Container, Pod } from '../../shared/pod/schema';
import type { Logger } from '../../shared/ports';
import { hookFailureMessage, runHandler, type HandlerDeps } from '../probes/handlers';
import { containerSpecFor, emptyDirNames, hostPortsFor, podIdentity } from '../runtime/container-config';
import { LABELS, podHostname, podLabels, sandboxName } from '../runtime/labels';
import { RuntimeError, type ContainerRuntime, type RuntimeContainer } from '../runtime/types';
import { nextDelay, type BackoffConfig } from './backoff';
import type { PodAction, PullFailure, SyncMemory, Waiting } from './compute-pod-actions';
import { nonRootViolation } from './non-root';
import { writeDownwardVolumes } from './pod-files';
import { configLookup, writeConfigVolumes } from './config-volumes';
import { configEnv } from '../../shared/pod/config-refs';
import type { ConfigObjectCache } from '../config-objects/cache';
import { downwardEnv, type DownwardContext } from '../../shared/pod/downward-api';
import { effectivePullPolicy, imageStep } from './image-policy';
import { authFor, type PullAuths } from '../images/pull-secrets';

export const POD_START_TIME_LABEL = 'podflow.pod.start-time';

export interface ExecuteContext {
  runtime: ContainerRuntime;
  nodeName: string;
  pauseImage: string;
  backoff: BackoffConfig;
  now: () => Date;
  logger: Logger;
  /** What hooks need to run commands in containers (absent on nodes that run no processes: no hooks run there). */
  handlers?: HandlerDeps;
  /** The node directory of a pod uid (termination-message files, downwardAPI volumes); set only where the engine binds host files (Docker). */
  podDir?: (uid: string) => string;
  /** The node's address and allocatable, for the downward API. */
  hostIP?: string;
  allocatable?: DownwardContext['allocatable'];
  /** The ConfigMaps and Secrets pods name; absent on a node started without the ConfigObjects table. */
  configObjects?: ConfigObjectCache;
  /** Registry credentials from a pod's imagePullSecrets (agent/images/pull-secrets.ts); absent: pulls use the engine's own. */
  pullAuths?: (pod: Pod) => Promise<PullAuths>;
}

/** What the downward API resolves against on this node, for a pod in this sandbox. */
export function downwardContext(ctx: ExecuteContext, podIP: string | undefined): DownwardContext {
  return { podIP, hostIP: ctx.hostIP, allocatable: ctx.allocatable ?? { cpu: '0', memory: '0' } };
}

/** The host file bound at a container instance's terminationMessagePath. */
export function terminationLogFile(podDir: string, container: string, attempt: number): string {
  return path.join(podDir, `${container}-${attempt}.termination-log`);
}

/** The grace left after a preStop hook, never under the kubelet's 2-second minimum. */
const MIN_GRACE_SECONDS = 2;

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
  const specs = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  const containerOf = (name: string) => specs.find((c) => c.name === name);
  const podRef = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;

  const run = async (step: number, action: PodAction): Promise<void> => {
    const target = 'container' in action ? action.container : action.type === 'CreateSandbox' ? 'sandbox' : action.id.slice(0, 12);
    try {
      switch (action.type) {
        case 'KillContainer': {
          event('Normal', 'Killing', `Stopping container ${action.container}: ${action.reason}`);
          const spec = containerOf(action.container);
          const grace = !action.remove && spec ? await runPreStop(ctx, spec, action.id, sandbox?.ip, action.graceSeconds, podRef, event) : action.graceSeconds;
          await ctx.runtime.stopContainer(action.id, grace);
          if (action.remove) await ctx.runtime.removeContainer(action.id);
          break;
        }
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
        case 'StartContainer': {
          if (!sandbox) throw new Error('no running sandbox to join');
          const spec = containerOf(action.container);
          if (!spec) throw new Error(`the pod has no container ${action.container}`);
          const id = await startContainer(ctx, pod, spec, action.attempt, sandbox, memory, result, event);
          if (id && spec.lifecycle?.postStart) await runPostStart(ctx, pod, spec, id, sandbox.ip, podRef, event);
          break;
        }
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
  for (const phase of [0, 1]) {
    await Promise.all(indexed.filter((a) => phaseOf(a.action) === phase).map((a) => run(a.step, a.action)));
  }
  // Starts in spec order; a postStart hook holds the containers after it.
  const order = new Map(specs.map((c, i) => [c.name, i]));
  const starts = indexed.filter((a) => phaseOf(a.action) === 2).sort((a, b) => (order.get(targetOf(a.action)) ?? 0) - (order.get(targetOf(b.action)) ?? 0));
  let batch: typeof starts = [];
  for (const a of starts) {
    batch.push(a);
    if (containerOf(targetOf(a.action))?.lifecycle?.postStart) {
      await Promise.all(batch.map((b) => run(b.step, b.action)));
      batch = [];
    }
  }
  await Promise.all(batch.map((b) => run(b.step, b.action)));
  return result;
}

const targetOf = (action: PodAction): string => ('container' in action ? action.container : '');

export type EventFn = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

/** Runs the container's preStop hook within the grace period; answers the grace left for the stop itself. */
export async function runPreStop(ctx: ExecuteContext, spec: Container, id: string, podIP: string | undefined, graceSeconds: number, podRef: string, event: EventFn): Promise<number> {
  const hook = spec.lifecycle?.preStop;
  if (!hook || graceSeconds <= 0 || !ctx.handlers) return graceSeconds;
  const started = Date.now();
  const outcome = await runHandler(hook, { containerId: id, podIP, spec }, graceSeconds * 1000, ctx.handlers);
  if (!outcome.ok) event('Warning', 'FailedPreStopHook', hookFailureMessage(hook, spec.name, podRef, outcome.output));
  const left = graceSeconds - Math.floor((Date.now() - started) / 1000);
  return Math.max(MIN_GRACE_SECONDS, left);
}

/** Runs the postStart hook; a failure is an event and kills the container (the restart policy decides the rest). */
async function runPostStart(ctx: ExecuteContext, pod: Pod, spec: Container, id: string, podIP: string | undefined, podRef: string, event: EventFn): Promise<void> {
  const hook = spec.lifecycle!.postStart!;
  if (!ctx.handlers) return; // a node that runs no processes runs no hooks
  const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
  const outcome = await runHandler(hook, { containerId: id, podIP, spec }, Math.max(grace, 1) * 1000, ctx.handlers);
  if (outcome.ok) return;
  event('Warning', 'FailedPostStartHook', hookFailureMessage(hook, spec.name, podRef, outcome.output));
  event('Normal', 'Killing', `FailedPostStartHook`);
  await ctx.runtime.stopContainer(id, grace);
}

async function createSandbox(ctx: ExecuteContext, pod: Pod, attempt: number, startTime: string): Promise<RuntimeContainer> {
  const id = podIdentity(pod, ctx.nodeName);
  const labels = podLabels(id);
  await Promise.all(emptyDirNames(pod).map((v) => ctx.runtime.ensureVolume(v.runtimeName, { ...labels, [LABELS.volume]: v.volume }, v.options)));
  if (!(await ctx.runtime.imagePresent(ctx.pauseImage))) {
    throw new RuntimeError(`the sandbox image ${ctx.pauseImage} is not on this node (run scripts/build-images.sh)`, 'ImageNotFound');
  }
  return ctx.runtime.runSandbox({
    name: sandboxName(id, attempt),
    hostname: pod.spec.hostname ?? podHostname(pod.metadata.name),
    image: ctx.pauseImage,
    labels: { ...labels, [LABELS.role]: 'sandbox', [LABELS.attempt]: String(attempt), [POD_START_TIME_LABEL]: startTime },
    ports: hostPortsFor(pod),
  });
}

async function startContainer(
  ctx: ExecuteContext,
  pod: Pod,
  container: Container,
  attempt: number,
  sandbox: RuntimeContainer,
  memory: SyncMemory,
  result: ExecuteResult,
  event: EventFn,
): Promise<string | undefined> {
  const image = container.image;
  const step = imageStep(effectivePullPolicy(container), await ctx.runtime.imagePresent(image));
  const fail = (reason: PullFailure['reason'], message: string) => {
    const delayMs = nextDelay(memory.pullFailures[container.name]?.delayMs, 0, ctx.backoff);
    memory.pullFailures[container.name] = { reason, message, delayMs, notBefore: ctx.now().getTime() + delayMs };
    result.waiting[container.name] = { reason, message };
  };
  if (step === 'never-pull-missing') {
    const message = `Container image "${image}" is not present with pull policy of Never`;
    event('Warning', 'ErrImageNeverPull', message);
    fail('ErrImageNeverPull', message);
    return undefined;
  }
  if (step === 'pull') {
    const secrets = ctx.pullAuths && pod.spec.imagePullSecrets?.length ? await ctx.pullAuths(pod) : undefined;
    if (secrets?.unusable.length) {
      event('Warning', 'FailedToRetrieveImagePullSecret', `Unable to retrieve some image pull secrets (${secrets.unusable.join(', ')}); attempting to pull the image may not succeed.`);
    }
    event('Normal', 'Pulling', `Pulling image "${image}"`);
    const started = Date.now();
    try {
      await ctx.runtime.pullImage(image, secrets && authFor(image, secrets.auths));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      event('Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
      event('Warning', 'Failed', 'Error: ErrImagePull');
      fail('ErrImagePull', message);
      return undefined;
    }
    event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${Date.now() - started}ms`);
  } else {
    event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
  }
  delete memory.pullFailures[container.name];
  const checkNonRoot = (container.securityContext?.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot) === true;
  const nonRoot = checkNonRoot ? nonRootViolation(pod, container, await ctx.runtime.imageUser(image)) : null;
  // The kubelet's answer to a container it cannot configure: an event, and CreateContainerConfigError until a later pass succeeds.
  const configError = (message: string) => {
    event('Warning', 'Failed', `Error: ${message}`);
    fail('CreateContainerConfigError', message);
    return undefined;
  };
  if (nonRoot) return configError(nonRoot);
  // ConfigMaps and Secrets: a missing one that is not optional holds the container back, as the kubelet does.
  const config = await configLookup(ctx.configObjects, pod);
  if (!config.ok) return configError(config.message);
  const env = configEnv(pod, container, config.value);
  if (!env.ok) return configError(env.message);
  const downward = downwardContext(ctx, sandbox.ip);
  const dir = ctx.podDir?.(pod.metadata.uid);
  const spec = containerSpecFor(pod, container, ctx.nodeName, sandbox.id, attempt, { ...downwardEnv(pod, container, downward), ...env.value.values }, dir, env.value.fromSources);
  if (dir) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeDownwardVolumes(dir, pod, downward);
    const volumes = await writeConfigVolumes(dir, pod, config.value, downward);
    if (!volumes.ok) {
      event('Warning', 'FailedMount', volumes.message);
      fail('CreateContainerConfigError', volumes.message);
      return undefined;
    }
    // The kubelet's termination-log file: a host file bound in, read after the container exits.
    const file = terminationLogFile(dir, container.name, attempt);
    await writeFile(file, '');
    await chmod(file, 0o666); // any user of the container may write its message
    spec.mounts.push({ type: 'bind', source: file, target: container.terminationMessagePath ?? '/dev/termination-log', readOnly: false });
  }
  const id = await ctx.runtime.createContainer(spec);
  event('Normal', 'Created', `Created container ${container.name}`);
  await ctx.runtime.startContainer(id);
  event('Normal', 'Started', `Started container ${container.name}`);
  return id;
}
