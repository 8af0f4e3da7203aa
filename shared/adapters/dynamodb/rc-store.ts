/**
 * The ReplicationControllers table: one item per (namespace, name), the RC and
 * the controller's bookkeeping as one JSON document beside the key attributes.
 * Every write is conditional on `version` (invariant 1).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { RcRecord, RcStore } from '../../rc/record';
import { getItem, putVersioned, readAll } from './client';

interface RcItem {
  namespace: string;
  name: string;
  uid: string;
  version: number;
  deleted: boolean;
  body: string;
}

type Body = Omit<RcRecord, 'namespace' | 'name' | 'uid' | 'version' | 'deleted'>;

function toItem(r: RcRecord): RcItem {
  const { namespace, name, uid, version, deleted, ...body } = r;
  return { namespace, name, uid, version, deleted, body: JSON.stringify(body) };
}

function fromItem(raw: Record<string, unknown>): RcRecord {
  const item = raw as unknown as RcItem;
  const body = JSON.parse(item.body) as Body;
  return { ...body, namespace: item.namespace, name: item.name, uid: item.uid, version: Number(item.version), deleted: Boolean(item.deleted) };
}

export class DynamoRcStore implements RcStore {
  constructor(private readonly client: DynamoDBClient, private readonly table: string) {}

  async get(namespace: string, name: string): Promise<RcRecord | null> {
    const item = await getItem(this.client, this.table, { namespace, name }, `replicationcontroller ${namespace}/${name}`);
    return item ? fromItem(item) : null;
  }

  put(record: RcRecord, expectedVersion: number | null): Promise<void> {
    return putVersioned(this.client, this.table, toItem(record), expectedVersion, `replicationcontroller ${record.namespace}/${record.name}`);
  }

  async list(namespace?: string): Promise<RcRecord[]> {
    const items = await readAll(
      this.client,
      this.table,
      'listing replicationcontrollers',
      namespace
        ? { KeyConditionExpression: '#ns = :ns', ExpressionAttributeNames: { '#ns': 'namespace' }, ExpressionAttributeValues: marshall({ ':ns': namespace }), ConsistentRead: true }
        : undefined,
    );
    return items.map(fromItem).sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  }
}
