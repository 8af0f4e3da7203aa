/**
 * PodHistory: every pod's life, per name across all its incarnations (uids),
 * kept after the pod is gone (invariant 2). An entry's key comes from the event
 * that caused it, so a replayed event rewrites the same item.
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { HistoryEntry, HistoryStore } from '../../ports';
import { batcherFor } from './batching';
import { mapDynamoError, readAll } from './client';

const HISTORY_KEY = ['pod', 'seq'] as const;

export function historySortKey(e: Pick<HistoryEntry, 'time' | 'eventId' | 'index'>): string {
  return `${e.time}#${e.eventId}#${String(e.index).padStart(3, '0')}`;
}

export class DynamoHistoryStore implements HistoryStore {
  constructor(private readonly client: DynamoDBClient, private readonly table: string) {}

  /** Unconditional puts (a replayed event rewrites the same items), coalesced with this turn's other appends. */
  async append(entries: readonly HistoryEntry[]): Promise<void> {
    const batcher = batcherFor(this.client);
    try {
      await Promise.all(entries.map((e) => batcher.put(this.table, HISTORY_KEY, { pod: `${e.namespace}/${e.name}`, seq: historySortKey(e), ...e })));
    } catch (err) {
      mapDynamoError(err, 'appending pod history');
    }
  }

  list(namespace: string, name: string): Promise<HistoryEntry[]> {
    return this.query({ KeyConditionExpression: 'pod = :p', ExpressionAttributeValues: marshall({ ':p': `${namespace}/${name}` }) });
  }

  listByUid(uid: string): Promise<HistoryEntry[]> {
    return this.query({ IndexName: 'byUid', KeyConditionExpression: 'uid = :u', ExpressionAttributeValues: marshall({ ':u': uid }) });
  }

  private async query(q: { IndexName?: string; KeyConditionExpression: string; ExpressionAttributeValues: Record<string, AttributeValue> }): Promise<HistoryEntry[]> {
    const items = await readAll(this.client, this.table, 'reading pod history', q);
    return items.map(({ pod: _pod, seq: _seq, ...entry }) => entry as unknown as HistoryEntry);
  }

}
