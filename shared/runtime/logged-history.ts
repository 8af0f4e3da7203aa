/**
 * A HistoryStore that writes the log first: each append is published to
 * pod-history (one event per pod, its id derived from the entries' own ids)
 * and then written to the PodHistory table, its projection. A crash between
 * the two is healed by the redelivery that re-appends the same entries; a
 * duplicate on the topic is the same entry, and rebuilds keep it once.
 */
import { makeEvent, TOPICS, type PodHistoryRecorded } from '../events';
import type { Clock, HistoryEntry, HistoryStore, Publisher } from '../ports';

export class LoggedHistoryStore implements HistoryStore {
  constructor(
    private readonly table: HistoryStore,
    private readonly publisher: Publisher,
    private readonly clock: Clock,
    private readonly source: string,
  ) {}

  async append(entries: readonly HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const byPod = new Map<string, HistoryEntry[]>();
    for (const e of entries) byPod.set(`${e.namespace}/${e.name}`, [...(byPod.get(`${e.namespace}/${e.name}`) ?? []), e]);
    const events = [...byPod].map(([key, list]) =>
      makeEvent<PodHistoryRecorded>('PodHistoryRecorded', key, { entries: list }, { source: this.source, time: this.clock.now(), id: `history:${list[0].eventId}:${list[0].index}:${list.length}` }),
    );
    await this.publisher.publish(TOPICS.podHistory, events);
    await this.table.append(entries);
  }

  list(namespace: string, name: string): Promise<HistoryEntry[]> {
    return this.table.list(namespace, name);
  }

  listByUid(uid: string): Promise<HistoryEntry[]> {
    return this.table.listByUid(uid);
  }
}
