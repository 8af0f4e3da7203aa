/**
 * Holds the node's desired state and one worker per uid. Until the agent has
 * replayed its partition (activate), assignments only fold into the desired
 * state; nothing starts from a half-read log. Activation fences: every
 * container of this node whose uid is not desired (stale copies of pods that
 * were replaced, uids unassigned while the agent was away) is stopped and
 * removed before the node reports ready. A periodic resync kicks every worker
 * and sweeps orphans, so a missed Docker event heals on the next pass.
 * `fence()` runs the same fencing again after a pause of the agent, while the
 * workers are held (they only stop uids, never start or report).
 */
import type { NodeAssignmentEvent } from '../../shared/events/node-assignments';
import type { Pod } from '../../shared/pod/schema';
import { applyAssignment, emptyDesiredState, markEnded, type StopOrder } from '../assignments/desired-state';
import { LABELS } from '../runtime/labels';
import { PodWorker, type WorkerContext } from './pod-worker';

export interface PodManagerOptions {
  resyncIntervalMs: number;
}

export class PodManager {
  readonly state = emptyDesiredState();
  private readonly workers = new Map<string, PodWorker>();
  private readonly endWaiters = new Map<string, (() => void)[]>();
  private active = false;
  private resyncTimer: NodeJS.Timeout | null = null;
  private unwatch: (() => void) | null = null;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly opts: PodManagerOptions,
  ) {}

  apply(event: NodeAssignmentEvent): void {
    for (const change of applyAssignment(this.state, event)) if (this.active) this.touch(change.uid);
  }

  /** Pods this node is to run (not counting those stopping). */
  get podCount(): number {
    return this.state.pods.size;
  }

  /** The pod of that name this node runs now, if any. */
  findPod(namespace: string, name: string): Pod | undefined {
    for (const pod of this.state.pods.values()) if (pod.metadata.namespace === namespace && pod.metadata.name === name) return pod;
    return undefined;
  }

  /**
   * Starts the workers of the desired pods and fences: resolves once every
   * container of a uid this node must not run is gone.
   */
  async activate(): Promise<void> {
    this.active = true;
    this.unwatch = this.ctx.runtime.watch((uid) => this.workers.get(uid)?.kick());
    for (const uid of this.state.pods.keys()) this.touch(uid);
    await this.fence();
    this.scheduleResync();
  }

  /** Stops and removes every container and volume of a uid this node must not run; resolves once they are gone. */
  async fence(): Promise<void> {
    const stale = await this.sweepOrphans();
    await Promise.all([...this.state.stopping.keys(), ...stale].map((uid) => this.whenEnded(uid)));
    await this.removeOrphanVolumes();
  }

  /** Looks at one pod again (a probe result changed). */
  kick(uid: string): void {
    this.workers.get(uid)?.kick();
  }

  /** Looks at every pod again (after a hold is lifted). */
  kickAll(): void {
    for (const w of this.workers.values()) w.kick();
  }

  private touch(uid: string): void {
    const pod = this.state.pods.get(uid);
    const stop = this.state.stopping.get(uid);
    if (!pod && !stop) return;
    let worker = this.workers.get(uid);
    if (!worker) {
      worker = new PodWorker(this.ctx, uid, (ended) => this.ended(ended));
      this.workers.set(uid, worker);
    }
    if (stop) worker.setStop(stop);
    else if (pod) worker.setPod(pod);
    worker.kick();
  }

  private ended(uid: string): void {
    markEnded(this.state, uid);
    this.workers.delete(uid);
    for (const resolve of this.endWaiters.get(uid) ?? []) resolve();
    this.endWaiters.delete(uid);
  }

  private whenEnded(uid: string): Promise<void> {
    if (!this.state.stopping.has(uid)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.endWaiters.get(uid) ?? [];
      list.push(resolve);
      this.endWaiters.set(uid, list);
    });
  }

  /** Orders a stop for every uid that has containers here but is not desired; returns those uids. */
  private async sweepOrphans(): Promise<string[]> {
    const containers = await this.ctx.runtime.list(this.ctx.nodeName);
    const orphans = new Map<string, StopOrder>();
    for (const c of containers) {
      const uid = c.labels[LABELS.uid];
      if (!uid || this.state.pods.has(uid) || this.state.stopping.has(uid) || orphans.has(uid)) continue;
      orphans.set(uid, {
        uid,
        namespace: c.labels[LABELS.namespace] ?? 'unknown',
        name: c.labels[LABELS.name] ?? 'unknown',
        graceSeconds: 0,
        reason: 'not assigned to this node',
      });
    }
    for (const order of orphans.values()) {
      this.ctx.logger.info({ uid: order.uid, pod: `${order.namespace}/${order.name}` }, 'stopping a pod this node must not run');
      this.state.ended.delete(order.uid);
      this.state.stopping.set(order.uid, order);
    }
    for (const uid of this.state.stopping.keys()) this.touch(uid);
    return [...orphans.keys()];
  }

  private async removeOrphanVolumes(): Promise<void> {
    const volumes = await this.ctx.runtime.listVolumes(this.ctx.nodeName);
    await Promise.all(
      volumes
        .filter((v) => !this.state.pods.has(v.labels[LABELS.uid] ?? '') && !this.state.stopping.has(v.labels[LABELS.uid] ?? ''))
        .map((v) => this.ctx.runtime.removeVolume(v.name).catch((err) => this.ctx.logger.warn({ volume: v.name, err: (err as Error).message }, 'removing an orphan volume failed'))),
    );
  }

  private scheduleResync(): void {
    if (!this.active) return;
    const resync = async () => {
      try {
        for (const w of this.workers.values()) w.kick();
        await this.sweepOrphans();
      } catch (err) {
        this.ctx.logger.warn({ err: (err as Error).message }, 'resync failed');
      }
      this.scheduleResync();
    };
    this.resyncTimer = setTimeout(() => void resync(), this.opts.resyncIntervalMs);
  }

  /** Stops all work; the containers keep running (an agent restart must not kill pods). */
  async shutdown(): Promise<void> {
    this.active = false;
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.unwatch?.();
    await Promise.all([...this.workers.values()].map((w) => w.close()));
    await this.ctx.reporter.flush();
  }
}
