/**
 * Publishes the NodeHeartbeat (registration and liveness in one event) at start,
 * every interval, and whenever readiness changes. A failed send is logged and
 * the next tick tries again: a heartbeat is a level, not an edge.
 */
import { makeEvent, TOPICS, type NodeDescription, type NodeHeartbeat } from '../../shared/events';
import type { Clock, Logger, Publisher } from '../../shared/ports';

export interface HeartbeatDeps {
  publisher: Publisher;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  bootId: string;
  description: () => NodeDescription;
  ready: () => boolean;
  pods: () => number;
  /** Told when the broker took a heartbeat. */
  onSent?: (at: Date) => void;
}

export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: HeartbeatDeps) {}

  event(): NodeHeartbeat {
    const node = this.deps.description();
    return makeEvent<NodeHeartbeat>(
      'NodeHeartbeat',
      node.name,
      { node, bootId: this.deps.bootId, ready: this.deps.ready(), pods: this.deps.pods() },
      { source: `agent/${node.name}`, time: this.deps.clock.now() },
    );
  }

  async beat(): Promise<void> {
    try {
      await this.deps.publisher.publish(TOPICS.nodeHeartbeats, [this.event()]);
      this.deps.onSent?.(this.deps.clock.now());
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'heartbeat failed');
    }
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      // beat() never rejects: a failed send is logged and the next beat comes as planned.
      this.timer = setTimeout(() => {
        void this.beat().then(() => {
          if (this.timer) tick();
        });
      }, this.deps.intervalMs);
    };
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
