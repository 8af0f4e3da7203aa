/** A Publisher that keeps what it was given, in order, for tests to read. */
import type { Envelope, TopicName } from '../../events';
import type { Publisher } from '../../ports';

export class RecordingPublisher implements Publisher {
  readonly sent: { topic: TopicName; event: Envelope }[] = [];
  /** Set to make every publish fail (a broker outage). */
  failWith: Error | null = null;

  async publish(topic: TopicName, events: readonly Envelope[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    for (const event of events) this.sent.push({ topic, event: structuredClone(event) });
  }

  ofType(type: string): Envelope[] {
    return this.sent.filter((s) => s.event.type === type).map((s) => s.event);
  }

  on(topic: TopicName): Envelope[] {
    return this.sent.filter((s) => s.topic === topic).map((s) => s.event);
  }
}
