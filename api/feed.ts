/**
 * The API's view of the pod-changes topic: a bounded, resourceVersion-ordered
 * buffer that watches replay from and follow, plus the outcome of each request
 * by id so a POST can answer once the pod-controller has recorded (or refused)
 * the pod. Each API instance reads the whole topic in its own consumer group.
 */
import type { Consumer, Kafka } from 'kafkajs';
import { podChangeEvent, TOPICS, type K8sStatus, type PodChangeEvent } from '../shared/events';
import type { Logger } from '../shared/ports';
import type { Pod } from '../shared/pod/schema';
import type { Change, WatchSource } from './routes/watch';
import { followTopic } from './follow-topic';

export type WatchEvent = Change<Pod>;

/** One change of one pod incarnation: what replay and watch deduplication compare. */
export function changeKey(e: WatchEvent): string {
  return `${e.object.metadata.uid}:${e.rv}:${e.type}`;
}

export type Outcome = { kind: 'changed'; event: WatchEvent } | { kind: 'rejected'; status: K8sStatus };

export class PodFeed implements WatchSource<Pod> {
  private readonly buffer: WatchEvent[] = [];
  /** Keys of the buffered changes, so a replayed record is recognised without a scan. */
  private readonly buffered = new Set<string>();
  private readonly listeners = new Set<(e: WatchEvent) => void>();
  private readonly outcomes = new Map<string, Outcome>();
  private readonly waiters = new Map<string, ((o: Outcome) => void)[]>();
  /** Everything at or below this was dropped from the buffer: older resumes get 410 Gone. */
  private truncatedAt = 0n;
  private highWater = 0n;
  private consumer: Consumer | null = null;

  constructor(private readonly logger: Logger, private readonly capacity = 20000) {}

  async start(kafka: Kafka): Promise<void> {
    // A fetch waits up to maxWaitTimeInMs when idle, and stopping waits for that fetch: 1 s, not 5, so the API closes at once.
    this.consumer = await followTopic(kafka, this.logger, { topic: TOPICS.podChanges, schema: podChangeEvent, fromBeginning: true, group: 'api', maxWaitTimeInMs: 1000 }, (e) => this.apply(e));
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  /** Applies one change record (exported for tests of the buffer itself). */
  apply(event: PodChangeEvent): void {
    let outcome: Outcome;
    if (event.type === 'PodRequestRejected') {
      outcome = { kind: 'rejected', status: event.data.status };
    } else {
      const rawRv = event.data.pod.metadata.resourceVersion;
      if (typeof rawRv !== 'string' || !/^[0-9]+$/.test(rawRv)) {
        // Ordering and resumes need a number: such a record cannot be placed, and must not stall the feed.
        this.logger.warn({ resourceVersion: rawRv, uid: event.data.pod.metadata.uid }, 'change with a non-numeric resourceVersion skipped');
        return;
      }
      const rv = BigInt(rawRv);
      const watchEvent: WatchEvent = { type: event.data.change, object: event.data.pod, rv };
      this.insert(watchEvent);
      outcome = { kind: 'changed', event: watchEvent };
    }
    if (event.causationId) this.settle(event.causationId, outcome);
  }

  private insert(e: WatchEvent): void {
    const key = changeKey(e);
    if (this.buffered.has(key)) return; // a replayed record
    this.buffered.add(key);
    let i = this.buffer.length;
    while (i > 0 && this.buffer[i - 1].rv > e.rv) i--;
    this.buffer.splice(i, 0, e);
    if (e.rv > this.highWater) this.highWater = e.rv;
    while (this.buffer.length > this.capacity) {
      const dropped = this.buffer.shift()!;
      this.buffered.delete(changeKey(dropped));
      this.truncatedAt = dropped.rv;
    }
    for (const listener of this.listeners) listener(e);
  }

  private settle(causationId: string, outcome: Outcome): void {
    if (!this.outcomes.has(causationId)) {
      this.outcomes.set(causationId, outcome);
      if (this.outcomes.size > this.capacity) this.outcomes.delete(this.outcomes.keys().next().value!);
    }
    for (const resolve of this.waiters.get(causationId) ?? []) resolve(outcome);
    this.waiters.delete(causationId);
  }

  /** Resolves with the first outcome of request `id`, or null after `timeoutMs`. */
  waitFor(id: string, timeoutMs: number): Promise<Outcome | null> {
    const known = this.outcomes.get(id);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.set(id, (this.waiters.get(id) ?? []).filter((w) => w !== done));
        resolve(null);
      }, timeoutMs);
      const done = (o: Outcome) => {
        clearTimeout(timer);
        resolve(o);
      };
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), done]);
    });
  }

  /** The newest resourceVersion seen: a list's resourceVersion, from which a watch resumes. */
  resourceVersion(): string {
    return String(this.highWater);
  }

  /** Buffered events after `rv`, or 'gone' when the buffer no longer reaches back that far. */
  since(rv: bigint): WatchEvent[] | 'gone' {
    if (rv < this.truncatedAt) return 'gone';
    return this.buffer.filter((e) => e.rv > rv);
  }

  changeKey(e: WatchEvent): string {
    return changeKey(e);
  }

  subscribe(listener: (e: WatchEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
