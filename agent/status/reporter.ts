/**
 * Publishes what the node observes to pod-status: PodStatusReported when a
 * pod's status changed or something happened (events), PodStopped after
 * cleanup. `sequence` grows strictly for every report of this boot, so the
 * control plane can drop a late or replayed snapshot. Sends are chained, so
 * reports leave in the order they were made without blocking the sync pass; a
 * failed send forgets the last status so the next pass publishes it again.
 * While `mayReport()` says no (the node re-syncs after a pause), a queued
 * status is dropped at send time and forgotten, so it is made again later.
 */
import { makeEvent, TOPICS, type PodEventRecord, type PodStatusReported, type PodStopped } from '../../shared/events';
import type { PodStatus } from '../../shared/pod/schema';
import { podKey } from '../../shared/pod/schema';
import type { Clock, Logger, Publisher } from '../../shared/ports';

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export class StatusReporter {
  private sequence = 0;
  private readonly last = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: { publisher: Publisher; clock: Clock; logger: Logger; nodeName: string; bootId: string; source: string; mayReport?: () => boolean },
  ) {}

  /** Queues a report if the status changed or there are events; returns whether it did. */
  report(ref: PodRef, status: PodStatus, events: readonly PodEventRecord[]): boolean {
    const json = JSON.stringify(status);
    if (events.length === 0 && this.last.get(ref.uid) === json) return false;
    this.last.set(ref.uid, json);
    const event = makeEvent<PodStatusReported>(
      'PodStatusReported',
      podKey(ref.namespace, ref.name),
      { ...ref, nodeName: this.deps.nodeName, bootId: this.deps.bootId, sequence: this.sequence++, status, events: [...events] },
      { source: this.deps.source, time: this.deps.clock.now() },
    );
    this.send(event, () => {
      if (this.last.get(ref.uid) === json) this.last.delete(ref.uid);
    });
    return true;
  }

  /** Publishes PodStopped and resolves once the broker has it (retrying a few times). */
  async stopped(ref: PodRef, events: readonly PodEventRecord[]): Promise<void> {
    this.last.delete(ref.uid);
    const event = makeEvent<PodStopped>(
      'PodStopped',
      podKey(ref.namespace, ref.name),
      { ...ref, nodeName: this.deps.nodeName, events: [...events] },
      { source: this.deps.source, time: this.deps.clock.now() },
    );
    await this.chain;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.publisher.publish(TOPICS.podStatus, [event]);
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  forget(uid: string): void {
    this.last.delete(uid);
  }

  /** Forgets every last status, so each pod's next pass publishes its status again. */
  forgetAll(): void {
    this.last.clear();
  }

  /** Resolves when every queued report has been sent (or has failed). */
  flush(): Promise<void> {
    return this.chain;
  }

  private send(event: PodStatusReported, onFailure: () => void): void {
    this.chain = this.chain
      .then(async () => {
        if (this.deps.mayReport && !this.deps.mayReport()) {
          onFailure();
          return;
        }
        await this.deps.publisher.publish(TOPICS.podStatus, [event]);
      })
      .catch((err: unknown) => {
        onFailure();
        this.deps.logger.warn({ uid: event.data.uid, err: (err as Error).message }, 'publishing pod status failed; will publish again');
      });
  }
}
