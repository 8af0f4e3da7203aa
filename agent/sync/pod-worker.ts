/**
 * One worker per pod uid: passes for a uid never overlap. A pass observes the
 * uid's containers by label, asks computePodActions what to do, executes it,
 * observes again until nothing is left to do (bounded), then reports the status
 * if it changed. Once the uid must stop, the worker terminates it (SIGTERM,
 * SIGKILL after the grace period, remove containers, sandbox and emptyDir
 * volumes), reports PodStopped and ends. Level-triggered: any kick (assignment,
 * Docker event, timer, periodic resync) runs the same pass.
 */
import type { PodEventRecord } from '../../shared/events/pod-status';
import type { Pod, PodCondition } from '../../shared/pod/schema';
import type { StopOrder } from '../assignments/desired-state';
import { LABELS } from '../runtime/labels';
import type { StatusReporter } from '../status/reporter';
import { buildPodStatus } from '../status/pod-status';
import type { NodePolicy } from './admission';
import { computePodActions, type SyncMemory, type Waiting } from './compute-pod-actions';
import { executeActions, POD_START_TIME_LABEL, type ExecuteContext } from './execute-actions';
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
}

const MAX_PASSES = 5;
const RETRY_MS = 1000;

export class PodWorker {
  private pod: Pod | null = null;
  private stopOrder: StopOrder | null = null;
  private readonly memory: SyncMemory = { backoff: {}, pullFailures: {} };
  private conditions: PodCondition[] | undefined;
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
    for (let pass = 1; ; pass++) {
      observed = await this.observe();
      this.startTime ??= observed.sandboxes.find((s) => s.labels[POD_START_TIME_LABEL])?.labels[POD_START_TIME_LABEL] ?? this.ctx.now().toISOString();
      const decision = computePodActions(pod, observed, this.ctx.now(), { backoff: this.ctx.backoff, node: this.ctx.policy }, this.memory);
      Object.assign(this.memory.backoff, decision.backoff);
      events.push(...decision.events);
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
    const status = buildPodStatus({
      pod,
      observed,
      waiting,
      runtimeKind: this.ctx.runtime.kind,
      hostIP: this.ctx.hostIP,
      startTime: this.startTime,
      previousConditions: this.conditions,
      now: this.ctx.now(),
    });
    this.conditions = status.conditions;
    this.ctx.metrics?.synced(this.uid, status, elapsed());
    if (this.stopOrder || this.closed || this.ctx.held()) return; // never report for a uid that must stop, nor before a re-sync
    this.ctx.reporter.report({ namespace: pod.metadata.namespace, name: pod.metadata.name, uid: this.uid }, status, events);
  }

  private async terminate(order: StopOrder): Promise<void> {
    const { runtime, nodeName } = this.ctx;
    const events: PodEventRecord[] = [];
    const observed = await this.observe();
    const apps = Object.entries(observed.containers).flatMap(([name, list]) => list.map((c) => ({ name, c })));
    await Promise.all(
      apps
        .filter(({ c }) => c.state !== 'exited')
        .map(async ({ name, c }) => {
          if (c.state === 'running') events.push({ type: 'Normal', reason: 'Killing', message: `Stopping container ${name}`, time: this.ctx.now().toISOString() });
          await runtime.stopContainer(c.id, order.graceSeconds);
        }),
    );
    await Promise.all([...apps.map(({ c }) => c), ...observed.sandboxes].map((c) => runtime.removeContainer(c.id)));
    const volumes = (await runtime.listVolumes(nodeName)).filter((v) => v.labels[LABELS.uid] === this.uid);
    await Promise.all(volumes.map((v) => runtime.removeVolume(v.name)));
    await this.ctx.reporter.stopped({ namespace: order.namespace, name: order.name, uid: this.uid }, events);
    this.ended = true;
    this.ctx.metrics?.ended(this.uid);
    if (this.timer) clearTimeout(this.timer);
    this.onEnded(this.uid);
  }
}
