/**
 * The API's live view of Events: it follows the pod-history topic (every
 * entry the handlers and agents record, before the PodHistory table has it)
 * and keeps a bounded, ordered buffer that event watches replay from and
 * follow (`kubectl get events -w`, `kubectl events -w`). Lists still read the
 * table. An entry's resourceVersion is the microsecond it arrived here (kept
 * strictly increasing), so a list answered by this API, then a watch from
 * its resourceVersion, sees every entry that arrives after the list.
 */
import type { Consumer, Kafka } from 'kafkajs';
import { podHistoryRecorded, TOPICS } from '../shared/events';
import type { HistoryEntry, Logger } from '../shared/ports';
import { eventObject } from './objects';
import type { Change, WatchSource } from './routes/watch';
import { followTopic } from './follow-topic';

export type EventObject = ReturnType<typeof eventObject> & { metadata: { name: string; namespace: string; resourceVersion: string } };

export class EventFeed implements WatchSource<EventObject> {
  private readonly buffer: Change<EventObject>[] = [];
  private readonly listeners = new Set<(e: Change<EventObject>) => void>();
  private truncatedAt = 0n;
  private highWater = 0n;
  private consumer: Consumer | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly capacity = 5000,
    private readonly nowMicros = () => BigInt(Date.now()) * 1000n,
  ) {}

  async start(kafka: Kafka): Promise<void> {
    // Only what arrives from now on: what came before is in the table, which lists read.
    this.consumer = await followTopic(kafka, this.logger, { topic: TOPICS.podHistory, schema: podHistoryRecorded, fromBeginning: false, group: 'api-events', maxWaitTimeInMs: 1000 }, (e) => this.apply(e.data.entries));
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  /** Adds entries as ADDED events (exported for tests of the buffer itself). */
  apply(entries: readonly HistoryEntry[]): void {
    for (const entry of entries) {
      const next = this.nowMicros();
      this.highWater = next > this.highWater ? next : this.highWater + 1n;
      const object = eventObject(entry) as EventObject;
      object.metadata = { ...object.metadata, resourceVersion: String(this.highWater) };
      const change: Change<EventObject> = { type: 'ADDED', object, rv: this.highWater };
      this.buffer.push(change);
      while (this.buffer.length > this.capacity) this.truncatedAt = this.buffer.shift()!.rv;
      for (const listener of this.listeners) listener(change);
    }
  }

  /** Now, or the newest entry's version if the clock stepped back: the version an events list answers with. */
  resourceVersion(): string {
    const now = this.nowMicros();
    return String(now > this.highWater ? now : this.highWater);
  }

  since(rv: bigint): Change<EventObject>[] | 'gone' {
    if (rv < this.truncatedAt) return 'gone';
    return this.buffer.filter((e) => e.rv > rv);
  }

  subscribe(listener: (e: Change<EventObject>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changeKey(e: Change<EventObject>): string {
    return `${e.object.metadata.namespace}/${e.object.metadata.name}`;
  }
}
