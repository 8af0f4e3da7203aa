/**
 * The Pods table: one item per (namespace, name) holding the current
 * incarnation or its tombstone. Every write is conditional on `version`, so two
 * handlers never overwrite each other's decision (invariant 1).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { PodQuery, PodRecord, PodStore } from '../../ports';
import { getItem, putVersioned, readAll } from './client';

/** Tombstones are kept a week: long enough that a replayed create stays ignored. */
const TOMBSTONE_TTL_SECONDS = 7 * 24 * 3600;

interface PodItem {
  namespace: string;
  name: string;
  uid: string;
  version: number;
  pod: string;
  nodeName?: string;
  deleted: boolean;
  statusBootId?: string;
  statusSequence?: number;
  expiresAt?: number;
}

export function toItem(r: PodRecord): PodItem {
  const item: PodItem = { namespace: r.namespace, name: r.name, uid: r.uid, version: r.version, pod: JSON.stringify(r.pod), deleted: r.deleted };
  if (r.nodeName) item.nodeName = r.nodeName;
  if (r.statusBootId !== undefined) item.statusBootId = r.statusBootId;
  if (r.statusSequence !== undefined) item.statusSequence = r.statusSequence;
  if (r.deleted) item.expiresAt = Math.floor(Date.now() / 1000) + TOMBSTONE_TTL_SECONDS;
  return item;
}

function fromItem(raw: Record<string, unknown>): PodRecord {
  const item = raw as unknown as PodItem;
  const record: PodRecord = {
    namespace: item.namespace,
    name: item.name,
    uid: item.uid,
    version: Number(item.version),
    pod: JSON.parse(item.pod),
    deleted: Boolean(item.deleted),
  };
  if (item.nodeName) record.nodeName = item.nodeName;
  if (item.statusBootId !== undefined) record.statusBootId = item.statusBootId;
  if (item.statusSequence !== undefined) record.statusSequence = Number(item.statusSequence);
  return record;
}

export class DynamoPodStore implements PodStore {
  constructor(private readonly client: DynamoDBClient, private readonly table: string) {}

  async get(namespace: string, name: string): Promise<PodRecord | null> {
    const item = await getItem(this.client, this.table, { namespace, name }, `pod ${namespace}/${name}`);
    return item ? fromItem(item) : null;
  }

  put(record: PodRecord, expectedVersion: number | null): Promise<void> {
    return putVersioned(this.client, this.table, toItem(record), expectedVersion, `pod ${record.namespace}/${record.name}`);
  }

  async list(query: PodQuery = {}): Promise<PodRecord[]> {
    const items = await readAll(
      this.client,
      this.table,
      'listing pods',
      query.nodeName
        ? { IndexName: 'byNode', KeyConditionExpression: 'nodeName = :n', ExpressionAttributeValues: marshall({ ':n': query.nodeName }) }
        : query.namespace
          ? { KeyConditionExpression: '#ns = :ns', ExpressionAttributeNames: { '#ns': 'namespace' }, ExpressionAttributeValues: marshall({ ':ns': query.namespace }), ConsistentRead: true }
          : undefined,
    );
    return items
      .map(fromItem)
      .filter((r) => (query.includeDeleted || !r.deleted) && (!query.namespace || r.namespace === query.namespace))
      .sort((a, b) => (a.namespace + '/' + a.name).localeCompare(b.namespace + '/' + b.name));
  }
}
