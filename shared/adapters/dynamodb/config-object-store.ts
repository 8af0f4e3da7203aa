/**
 * The ConfigObjects table: ConfigMaps and Secrets, one head item per object
 * (partition `<kind>/<namespace>`, sort key the name) holding the record as
 * JSON. Kubernetes lets an object hold 1 MiB, more than one DynamoDB item
 * (400 KB), so a large body is cut into chunks stored beside the head under
 * `<name>#<n>` and written with it in one transaction, conditional on the
 * head's `version` (invariant 1): a reader never sees half of a write. Names
 * never contain `#`, so a name's chunks sort right after it and before any
 * longer name.
 */
import { TransactWriteItemsCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ConfigObjectRecord, ConfigObjectStore } from '../../config-objects/record';
import type { ConfigKind } from '../../config-objects/schema';
import { mapDynamoError, readAll } from './client';

/** Characters of JSON per item: well under DynamoDB's 400 KB with the key attributes. */
const CHUNK = 300_000;
/** Chunks beyond the head a 1 MiB Secret (1.4 MB of base64) can need, with room to spare. */
const MAX_CHUNKS = 8;

interface HeadItem {
  scope: string;
  name: string;
  uid: string;
  version: number;
  deleted: boolean;
  chunks: number;
  body: string;
}

type Body = Pick<ConfigObjectRecord, 'object' | 'requests'>;

const scopeOf = (kind: ConfigKind, namespace: string) => `${kind}/${namespace}`;
const chunkKey = (name: string, n: number) => `${name}#${n}`;

function assemble(head: HeadItem, chunkOf: (name: string) => string | undefined): ConfigObjectRecord {
  let json = head.body;
  for (let n = 1; n <= head.chunks; n++) json += chunkOf(chunkKey(head.name, n)) ?? '';
  const body = JSON.parse(json) as Body;
  const [kind, namespace] = head.scope.split('/') as [ConfigKind, string];
  return { kind, namespace, name: head.name, uid: head.uid, version: Number(head.version), deleted: Boolean(head.deleted), ...body };
}

/** Groups a query's or scan's items into records: heads with their chunks. */
function records(items: Record<string, unknown>[]): ConfigObjectRecord[] {
  const chunks = new Map<string, string>();
  const heads: HeadItem[] = [];
  for (const item of items) {
    const name = String(item.name);
    if (name.includes('#')) chunks.set(`${String(item.scope)} ${name}`, String(item.body));
    else heads.push(item as unknown as HeadItem);
  }
  return heads.map((h) => assemble(h, (name) => chunks.get(`${h.scope} ${name}`)));
}

export class DynamoConfigObjectStore implements ConfigObjectStore {
  constructor(private readonly client: DynamoDBClient, private readonly table: string) {}

  async get(kind: ConfigKind, namespace: string, name: string): Promise<ConfigObjectRecord | null> {
    const items = await readAll(this.client, this.table, `reading ${kind} ${namespace}/${name}`, {
      KeyConditionExpression: '#s = :s AND #n BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#s': 'scope', '#n': 'name' },
      ExpressionAttributeValues: marshall({ ':s': scopeOf(kind, namespace), ':from': name, ':to': `${name}#\u007f` }),
      ConsistentRead: true,
    });
    return records(items).find((r) => r.name === name) ?? null;
  }

  async put(record: ConfigObjectRecord, expectedVersion: number | null): Promise<void> {
    const scope = scopeOf(record.kind, record.namespace);
    const body: Body = { object: record.object, requests: record.requests };
    const json = JSON.stringify(body);
    const parts: string[] = [];
    for (let i = 0; i < json.length; i += CHUNK) parts.push(json.slice(i, i + CHUNK));
    if (parts.length === 0) parts.push('');
    const head: HeadItem = { scope, name: record.name, uid: record.uid, version: record.version, deleted: record.deleted, chunks: parts.length - 1, body: parts[0] };
    const items: TransactWriteItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: marshall(head, { removeUndefinedValues: true }),
          ConditionExpression: expectedVersion === null ? 'attribute_not_exists(#n)' : '#v = :v',
          ExpressionAttributeNames: expectedVersion === null ? { '#n': 'name' } : { '#v': 'version' },
          ExpressionAttributeValues: expectedVersion === null ? undefined : marshall({ ':v': expectedVersion }),
        },
      },
    ];
    for (let n = 1; n <= MAX_CHUNKS; n++) {
      const key = { scope, name: chunkKey(record.name, n) };
      items.push(n < parts.length ? { Put: { TableName: this.table, Item: marshall({ ...key, body: parts[n] }) } } : { Delete: { TableName: this.table, Key: marshall(key) } });
    }
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (err) {
      mapDynamoError(err, `writing ${record.kind} ${record.namespace}/${record.name}`);
    }
  }

  async list(kind: ConfigKind, namespace?: string): Promise<ConfigObjectRecord[]> {
    const items = namespace
      ? await readAll(this.client, this.table, `listing ${kind}s`, {
          KeyConditionExpression: '#s = :s',
          ExpressionAttributeNames: { '#s': 'scope' },
          ExpressionAttributeValues: marshall({ ':s': scopeOf(kind, namespace) }),
          ConsistentRead: true,
        })
      : (await readAll(this.client, this.table, `listing ${kind}s`)).filter((i) => String(i.scope).startsWith(`${kind}/`));
    return records(items).sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  }
}
