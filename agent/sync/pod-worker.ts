/**
 * One worker per pod uid: passes for a uid never overlap. A pass observes the
 * uid's containers by label, asks computePodActions what to do, executes it,
 * observes again until nothing is left to do (bounded), then reports the status
 * if it changed. It tells the node's prober which instances run, and reads
 * the termination message of each instance that exited. Once the uid must
 * stop, the worker terminates it (preStop hooks, SIGTERM, SIGKILL after the
 * grace period: app containers first, then sidecars in reverse order; then
 * remove containers, sandbox, emptyDir volumes and the pod's files), reports
 * PodStopped and ends. Level-triggered: any kick (assignment, Docker event,
 * probe result, timer, periodic resync) runs the same pass.
 */
import { open, rm } from 'node:fs/promises';
import type { PodEventRecord } from '../../shared/events/pod-status';
import type { Pod, PodCondition } from '../../shared/pod/schema';
import type { Prober, ProbeTarget } from '../probes/prober';
import type { StopOrder } from '../assignments/desired-state';
import { attemptOf, LABELS } from '../runtime/labels';
import type { StatusReporter } from '../status/reporter';
import { buildPodStatus } from '../status/pod-status';
import type { NodePolicy } from './admission';
import { computePodActions, podContainers, type DecideContext, type SyncMemory, type Waiting } from './compute-pod-actions';
import { downwardContext, executeActions, POD_START_TIME_LABEL, runPreStop, terminationLogFile, type ExecuteContext } from './execute-actions';
import { unmountPodDir, writeDownwardVolumes } from './pod-files';
import { configLookup, writeConfigVolumes } from './config-volumes';
import { isConfigVolume } from '../../shared/pod/config-refs';
import { observePod, readySandbox, type ObservedPod } from './observe';
import { stopwatch } from '../../shared/metrics/stopwatch';
import type { PodMetrics } from '../metrics';

export interface WorkerContext extends ExecuteContext {
  policy: NodePolicy;
  reporter: StatusReporter;
  hostIP: string;
  /** True while the node re-syncs after a pause: no container is started and no status reported until released. */
  held: () => boolean;
  /** Told each pass's status and duration, and when a uid ended. */
  metrics?: PodMetrics;
  /** The node's prober (absent: probes are not run, containers count as ready once running). */
  prober?: Prober;
}

/** As the kubelet: at most 4096 bytes of a container's termination message, or 80 lines of its log. */
const MESSAGE_BYTES = 4096;
const FALLBACK_LINES = 80;

const MAX_PASSES = 5;
const RETRY_MS = 1000;

export class PodWorker {
  private pod: Pod | null = null;
  private stopOrder: StopOrder | null = null;
  private readonly memory: SyncMemory = { backoff: {}, pullFailures: {} };
  private conditions: PodCondition[] | undefined;
  /** Termination messages of exited instances, read once each. */
  private readonly messages = new Map<string, string>();
  private startTime: string | undefined;
  private refusalShown: string | undefined;
  private dirty = false;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private closed = false;
  private ended = false;

  constructor(
    private readonly ctx: WorkerContext,
    readonly uid: string,
    private readonly onEnded: (uid: string) => void,
  ) {}

  setPod(pod: Pod): void {
    if (!this.stopOrder) this.pod = pod;
  }

  setStop(order: StopOrder): void {
    this.stopOrder = order;
  }

  get stopping(): boolean {
    return this.stopOrder !== null;
  }

  kick(): void {
    if (this.closed || this.ended) return;
    this.dirty = true;
    this.running ??= this.loop().finally(() => {
      this.running = null;
      if (this.dirty) this.kick();
    });
  }

  /** Stops scheduling passes and waits for the current one. Containers keep running. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private later(at: number): void {
    if (this.closed || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.kick();
    }, Math.max(0, at - Date.now()));
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.closed && !this.ended) {
      this.dirty = false;
      try {
        if (this.stopOrder) await this.terminate(this.stopOrder);
        else if (this.pod && !this.ctx.held()) await this.sync(this.pod);
      } catch (err) {
        this.ctx.logger.warn({ uid: this.uid, err: (err as Error).message }, 'pod pass failed; retrying');
        this.later(Date.now() + RETRY_MS);
      }
    }
  }

  private async observe(): Promise<ObservedPod> {
    return observePod(await this.ctx.runtime.list(this.ctx.nodeName, this.uid));
  }

  private async sync(pod: Pod): Promise<void> {
    const elapsed = stopwatch();
    const events: PodEventRecord[] = [];
    let carried: Record<string, Waiting> = {};
    let observed: ObservedPod;
    let waiting: Record<string, Waiting>;
    let deadlineExceeded: boolean;
    const prober = this.ctx.prober;
    const decide = (): DecideContext => ({ startTime: this.startTime, ...(prober ? { probes: (id: string) => prober.states(id) } : {}) });
    for (let pass = 1; ; pass++) {
      observed = await this.observe();
      this.startTime ??= observed.sandboxes.find((s) => s.labels[POD_START_TIME_LABEL])?.labels[POD_START_TIME_LABEL] ?? this.ctx.now().toISOString();
      const decision = computePodActions(pod, observed, this.ctx.now(), { backoff: this.ctx.backoff, node: this.ctx.policy }, this.memory, decide());
      Object.assign(this.memory.backoff, decision.backoff);
      events.push(...decision.events);
      deadlineExceeded = decision.deadlineExceeded;
      if (decision.refusal && decision.refusal.message !== this.refusalShown) {
        this.refusalShown = decision.refusal.message;
        events.push({ type: 'Warning', reason: decision.refusal.eventReason, message: decision.refusal.message, time: this.ctx.now().toISOString() });
      }
      waiting = { ...decision.waiting, ...carried };
      if (Object.keys(carried).length > 0) {
        // Show this pass's failure (ErrImagePull ...) once, then decide again at once (ImagePullBackOff).
        this.later(Date.now());
        break;
      }
      if (decision.requeueAt !== undefined) this.later(decision.requeueAt);
      if (decision.actions.length === 0) break;
      if (this.ctx.held()) break; // frozen mid-pass: decide again once the node has re-synced
      if (pass >= MAX_PASSES) {
        this.later(Date.now() + RETRY_MS);
        break;
      }
      const result = await executeActions(this.ctx, pod, decision.actions, readySandbox(observed), this.memory, this.startTime);
      events.push(...result.events);
      carried = result.waiting;
      if (result.steps.some((s) => !s.ok) && Object.keys(carried).length === 0) {
        this.later(Date.now() + RETRY_MS);
        observed = await this.observe();
        break;
      }
    }
    this.trackProbes(pod, observed);
    await this.refreshFiles(pod, observed);
    if (prober) events.push(...prober.takeEvents(this.uid));
    await this.readMessages(pod, observed);
    const status = buildPodStatus({
      pod,
      observed,
      waiting,
      runtimeKind: this.ctx.runtime.kind,
      hostIP: this.ctx.hostIP,
      startTime: this.startTime,
      previousConditions: this.conditions,
      now: this.ctx.now(),
      decide: decide(),
      deadlineExceeded,
      messages: Object.fromEntries(this.messages),
    });
    this.conditions = status.conditions;
    this.ctx.metrics?.synced(this.uid, status, elapsed());
    if (this.stopOrder || this.closed || this.ctx.held()) return; // never report for a uid that must stop, nor before a re-sync
    this.ctx.reporter.report({ namespace: pod.metadata.namespace, name: pod.metadata.name, uid: this.uid }, status, events);
  }

  /** Rewrites the pod's downwardAPI, configMap, secret and projected volumes if what they show changed while it runs. */
  private async refreshFiles(pod: Pod, observed: ObservedPod): Promise<void> {
    const sandbox = readySandbox(observed);
    if (!this.ctx.podDir || !sandbox || !pod.spec.volumes?.some((v) => v.downwardAPI || isConfigVolume(v))) return;
    const downward = downwardContext(this.ctx, sandbox.ip);
    await writeDownwardVolumes(this.ctx.podDir(this.uid), pod, downward);
    // A ConfigMap or Secret that changed reaches the running containers; one that went missing leaves the last files in place, as the kubelet does.
    const config = await configLookup(this.ctx.configObjects, pod);
    if (config.ok) await writeConfigVolumes(this.ctx.podDir(this.uid), pod, config.value, downward);
  }

  /** Tells the prober which instances run now in the pod's sandbox and have probes. */
  private trackProbes(pod: Pod, observed: ObservedPod): void {
    if (!this.ctx.prober) return;
    const sandbox = readySandbox(observed);
    const targets: ProbeTarget[] = [];
    for (const { spec } of podContainers(pod)) {
      if (!spec.livenessProbe && !spec.readinessProbe && !spec.startupProbe) continue;
      const current = observed.containers[spec.name]?.[0];
      if (!sandbox || current?.state !== 'running' || current.labels[LABELS.sandboxId] !== sandbox.id) continue;
      targets.push({ uid: this.uid, containerId: current.id, podIP: sandbox.ip, spec, startedAtMs: Date.parse(current.startedAt ?? '') || Date.now() });
    }
    this.ctx.prober.track(this.uid, targets);
  }

  /** Reads, once per exited instance, its termination message (or its log's tail under FallbackToLogsOnError). */
  private async readMessages(pod: Pod, observed: ObservedPod): Promise<void> {
    const seen = new Set<string>();
    for (const { spec } of podContainers(pod)) {
      for (const inst of observed.containers[spec.name] ?? []) {
        seen.add(inst.id);
        if (inst.state !== 'exited' || this.messages.has(inst.id)) continue;
        let message = '';
        if (this.ctx.podDir) {
          message = await readHead(terminationLogFile(this.ctx.podDir(this.uid), spec.name, attemptOf(inst.labels)), MESSAGE_BYTES);
        }
        if (!message && spec.terminationMessagePolicy === 'FallbackToLogsOnError' && (inst.exitCode ?? 0) !== 0) {
          message = await this.logTail(inst.id);
        }
        this.messages.set(inst.id, message);
      }
    }
    for (const id of this.messages.keys()) if (!seen.has(id)) this.messages.delete(id);
  }

  private async logTail(id: string): Promise<string> {
    try {
      const stream = await this.ctx.runtime.logs(id, { follow: false, tailLines: FALLBACK_LINES });
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
      const text = Buffer.concat(chunks).toString('utf8');
      return text.length > MESSAGE_BYTES / 2 ? text.slice(-MESSAGE_BYTES / 2) : text;
    } catch {
      return '';
    }
  }

  private async terminate(order: StopOrder): Promise<void> {
    const { runtime, nodeName } = this.ctx;
    const events: PodEventRecord[] = [];
    const event = (type: 'Normal' | 'Warning', reason: string, message: string) => events.push({ type, reason, message, time: this.ctx.now().toISOString() });
    const observed = await this.observe();
    this.ctx.prober?.track(this.uid, []);
    const apps = Object.entries(observed.containers).flatMap(([name, list]) => list.map((c) => ({ name, c })));
    const pod = this.pod;
    const specs = pod ? podContainers(pod) : [];
    const podRef = `${order.name}_${order.namespace}(${this.uid})`;
    const sandboxIP = readySandbox(observed)?.ip;
    const until = Date.now() + order.graceSeconds * 1000;
    const stop = async ({ name, c }: { name: string; c: (typeof apps)[number]['c'] }, graceSeconds: number) => {
      if (c.state === 'exited') return;
      if (c.state === 'running') event('Normal', 'Killing', `Stopping container ${name}`);
      const spec = specs.find((s) => s.spec.name === name)?.spec;
      const grace = spec && c.state === 'running' ? await runPreStop(this.ctx, spec, c.id, sandboxIP, graceSeconds, podRef, event) : graceSeconds;
      await runtime.stopContainer(c.id, grace);
    };
    // App containers (and anything not a sidecar) first, together; then the sidecars, last one first.
    const sidecars = specs.filter((s) => s.role === 'sidecar').map((s) => s.spec.name);
    await Promise.all(apps.filter(({ name }) => !sidecars.includes(name)).map((a) => stop(a, order.graceSeconds)));
    for (const name of [...sidecars].reverse()) {
      const left = order.graceSeconds === 0 ? 0 : Math.max(1, Math.ceil((until - Date.now()) / 1000));
      await Promise.all(apps.filter((a) => a.name === name).map((a) => stop(a, left)));
    }
    await Promise.all([...apps.map(({ c }) => c), ...observed.sandboxes].map((c) => runtime.removeContainer(c.id)));
    const volumes = (await runtime.listVolumes(nodeName)).filter((v) => v.labels[LABELS.uid] === this.uid);
    await Promise.all(volumes.map((v) => runtime.removeVolume(v.name)));
    if (this.ctx.podDir) {
      await unmountPodDir(this.ctx.podDir(this.uid));
      await rm(this.ctx.podDir(this.uid), { recursive: true, force: true });
    }
    await this.ctx.reporter.stopped({ namespace: order.namespace, name: order.name, uid: this.uid }, events);
    this.ended = true;
    this.ctx.metrics?.ended(this.uid);
    if (this.timer) clearTimeout(this.timer);
    this.onEnded(this.uid);
  }
}

/** The first `max` bytes of a file, or '' if it is missing. */
async function readHead(file: string, max: number): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(max);
      const { bytesRead } = await handle.read(buffer, 0, max, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}
