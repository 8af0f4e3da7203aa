/**
 * PodHistory: every pod's life, per name across all its incarnations (uids),
 * kept after the pod is gone (invariant 2). An entry's key comes from the event
 * that caused it, so a replayed event rewrites the same item.
 */
import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { HistoryEntry, HistoryStore } from '../../ports';
import { DependencyError } from '../../errors';
import { mapDynamoError, readAll } from './client';

export function historySortKey(e: Pick<HistoryEntry, 'time' | 'eventId' | 'index'>): string {
  return `${e.time}#${e.eventId}#${String(e.index).padStart(3, '0')}`;
}

export class DynamoHistoryStore implements HistoryStore {
  constructor(private readonly client: DynamoDBClient, private readonly table: string) {}

  async append(entries: readonly HistoryEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 25) {
      let requests = entries.slice(i, i + 25).map((e) => ({
        PutRequest: { Item: marshall({ pod: `${e.namespace}/${e.name}`, seq: historySortKey(e), ...e }) },
      }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 8) throw new DependencyError('history write kept being throttled');
        try {
          const out = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: requests } }));
          requests = (out.UnprocessedItems?.[this.table] ?? []) as typeof requests;
        } catch (err) {
          mapDynamoError(err, 'appending pod history');
        }
        if (requests.length) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      }
    }
  }

  list(namespace: string, name: string): Promise<HistoryEntry[]> {
    return this.query({ KeyConditionExpression: 'pod = :p', ExpressionAttributeValues: marshall({ ':p': `${namespace}/${name}` }) });
  }

  listByUid(uid: string): Promise<HistoryEntry[]> {
    return this.query({ IndexName: 'byUid', KeyConditionExpression: 'uid = :u', ExpressionAttributeValues: marshall({ ':u': uid }) });
  }

  private async query(q: { IndexName?: string; KeyConditionExpression: string; ExpressionAttributeValues: Record<string, any> }): Promise<HistoryEntry[]> {
    const items = await readAll(this.client, this.table, 'reading pod history', q);
    return items.map(({ pod: _pod, seq: _seq, ...entry }) => entry as unknown as HistoryEntry);
  }

}
