/** DynamoDB client construction and the conditional-write error mapping every adapter shares. */
import { DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand, type DynamoDBClientConfig, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ConflictError, DependencyError } from '../../errors';
import { batcherFor } from './batching';
import { classifyDynamoError } from './errors';

export function makeDynamoClient(opts: { endpoint?: string; region: string; requestTimeoutMs?: number; maxAttempts?: number }): DynamoDBClient {
  // cacheMiddleware: build each command's middleware stack once, not on every request.
  const config: DynamoDBClientConfig = {
    region: opts.region,
    maxAttempts: opts.maxAttempts ?? 5,
    cacheMiddleware: true,
    // A frozen store (the socket open, nothing answering) fails each attempt after this bound instead of hanging.
    requestHandler: { requestTimeout: opts.requestTimeoutMs ?? 5_000, connectionTimeout: Math.min(opts.requestTimeoutMs ?? 5_000, 2_000), throwOnRequestTimeout: true },
  };
  if (opts.endpoint) {
    // DynamoDB Local accepts any credentials.
    config.endpoint = opts.endpoint;
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  return new DynamoDBClient(config);
}

export function isConditionFailure(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
}

/** Turns SDK errors into domain errors so they never leak past the adapter. */
export function mapDynamoError(err: unknown, what: string): never {
  const kind = classifyDynamoError(err);
  if (kind === 'conflict') throw new ConflictError(`${what}: condition failed`, { cause: err });
  const name = (err as { name?: string })?.name;
  const detail = kind === 'permanent' && name ? `${name}: ` : '';
  throw new DependencyError(`${what}: ${detail}${(err as Error)?.message ?? String(err)}`, { cause: err, retryable: kind === 'transient' });
}

/** A consistent read of one item by key, or null (coalesced with the other reads of this turn). */
export async function getItem(client: DynamoDBClient, table: string, key: Record<string, string>, what: string): Promise<Record<string, unknown> | null> {
  try {
    return await batcherFor(client).get(table, key);
  } catch (err) {
    return mapDynamoError(err, `reading ${what}`);
  }
}

/**
 * Writes an item keyed by (namespace, name) only when its stored `version` is
 * `expectedVersion` (null: only when there is no item yet); ConflictError otherwise.
 */
export async function putVersioned(client: DynamoDBClient, table: string, item: object, expectedVersion: number | null, what: string): Promise<void> {
  try {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: marshall(item, { removeUndefinedValues: true }),
        ConditionExpression: expectedVersion === null ? 'attribute_not_exists(#n)' : '#v = :v',
        ExpressionAttributeNames: expectedVersion === null ? { '#n': 'name' } : { '#v': 'version' },
        ExpressionAttributeValues: expectedVersion === null ? undefined : marshall({ ':v': expectedVersion }),
      }),
    );
  } catch (err) {
    mapDynamoError(err, `writing ${what}`);
  }
}

/**
 * Every item of a query (`query` given) or of a consistent scan of the whole table,
 * page by page, unmarshalled.
 */
export async function readAll(
  client: DynamoDBClient,
  table: string,
  what: string,
  query?: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
  try {
    do {
      const page = query
        ? await client.send(new QueryCommand({ ...query, TableName: table, ExclusiveStartKey }))
        : await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey }));
      for (const item of page.Items ?? []) items.push(unmarshall(item));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  } catch (err) {
    return mapDynamoError(err, what);
  }
  return items;
}
