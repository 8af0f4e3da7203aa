/** In-memory ports for the replication-controller handler: conditional writes behave as DynamoDB's do. */
import { ConflictError } from '../../../shared/errors';
import type { Envelope, TopicName } from '../../../shared/events';
import type { HistoryEntry, HistoryStore, PodQuery, PodRecord, PodStore, Publisher } from '../../../shared/ports';
import type { RcRecord, RcStore } from '../../../shared/rc/record';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

export class MemoryRcStore implements RcStore {
  readonly items = new Map<string, RcRecord>();
  async get(namespace: string, name: string) {
    const r = this.items.get(`${namespace}/${name}`);
    return r ? clone(r) : null;
  }
  async put(record: RcRecord, expectedVersion: number | null) {
    const current = this.items.get(`${record.namespace}/${record.name}`);
    if ((current?.version ?? null) !== expectedVersion) throw new ConflictError('version changed');
    this.items.set(`${record.namespace}/${record.name}`, clone(record));
  }
  async list(namespace?: string) {
    return [...this.items.values()].filter((r) => !namespace || r.namespace === namespace).map(clone);
  }
}

export class MemoryPodStore implements PodStore {
  readonly items = new Map<string, PodRecord>();
  async get(namespace: string, name: string) {
    const r = this.items.get(`${namespace}/${name}`);
    return r ? clone(r) : null;
  }
  async put(record: PodRecord) {
    this.items.set(`${record.namespace}/${record.name}`, clone(record));
  }
  async list(q: PodQuery = {}) {
    return [...this.items.values()].filter((r) => (!q.namespace || r.namespace === q.namespace) && (q.includeDeleted || !r.deleted)).map(clone);
  }
}

export class MemoryHistory implements HistoryStore {
  readonly entries: HistoryEntry[] = [];
  async append(entries: readonly HistoryEntry[]) {
    for (const e of entries) if (!this.entries.some((x) => x.eventId === e.eventId && x.index === e.index && x.name === e.name)) this.entries.push(e);
  }
  async list(namespace: string, name: string) {
    return this.entries.filter((e) => e.namespace === namespace && e.name === name);
  }
  async listByUid(uid: string) {
    return this.entries.filter((e) => e.uid === uid);
  }
}

export class RecordingPublisher implements Publisher {
  readonly sent: { topic: TopicName; event: Envelope }[] = [];
  async publish(topic: TopicName, events: readonly Envelope[]) {
    for (const event of events) this.sent.push({ topic, event });
  }
  ofType(type: string) {
    return this.sent.filter((s) => s.event.type === type).map((s) => s.event);
  }
}
