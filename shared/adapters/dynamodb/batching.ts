/**
 * Request coalescing. Every DynamoDB request costs the SDK about a millisecond
 * of CPU (middleware, serde, signing, HTTP) and the server a round trip,
 * whatever its size; under load that, not the data, is what limits a handler.
 * So point reads and unconditional writes issued in the same event-loop turn
 * leave as one BatchGetItem (≤ 100 keys) or BatchWriteItem (≤ 25 items), and
 * each caller still gets its own answer or error. Conditional writes cannot be
 * batched and do not come through here.
 */
import { BatchGetItemCommand, BatchWriteItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DependencyError } from '../../errors';

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(err: unknown): void;
}

/** Collects the calls of one event-loop turn and runs them in batches of at most `maxBatch`. */
export class Coalescer<T, R> {
  private queue: Waiting<T, R>[] = [];
  private scheduled = false;

  constructor(
    private readonly maxBatch: number,
    private readonly run: (items: T[]) => Promise<R[]>,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    for (let i = 0; i < queue.length; i += this.maxBatch) {
      const chunk = queue.slice(i, i + this.maxBatch);
      this.run(chunk.map((w) => w.item)).then(
        (results) => chunk.forEach((w, j) => w.resolve(results[j]!)),
        (err) => chunk.forEach((w) => w.reject(err)),
      );
    }
  }
}

const MAX_ATTEMPTS = 8;
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
type Key = Record<string, string>;
type Marshalled = Record<string, AttributeValue>;
const keyId = (table: string, key: Key) => `${table}\u0000${Object.keys(key).sort().map((k) => `${k}=${key[k]}`).join('\u0000')}`;

interface GetRequest {
  table: string;
  key: Key;
}
interface PutRequest {
  table: string;
  keyNames: readonly string[];
  item: Record<string, unknown>;
}

/** The coalescing reader and writer of one client. */
export class DynamoBatcher {
  private readonly reads = new Coalescer<GetRequest, Record<string, unknown> | null>(100, (r) => this.batchGet(r));
  private readonly writes = new Coalescer<PutRequest, void>(25, (w) => this.batchPut(w));

  constructor(private readonly client: DynamoDBClient) {}

  /** A consistent read of one item, or null. */
  get(table: string, key: Key): Promise<Record<string, unknown> | null> {
    return this.reads.submit({ table, key });
  }

  /** An unconditional put (last writer wins; callers write idempotent items). */
  put(table: string, keyNames: readonly string[], item: Record<string, unknown>): Promise<void> {
    return this.writes.submit({ table, keyNames, item });
  }

  private async batchGet(requests: GetRequest[]): Promise<(Record<string, unknown> | null)[]> {
    const found = new Map<string, Record<string, unknown>>();
    let pending: Record<string, { Keys: Marshalled[]; ConsistentRead: true }> = {};
    const seen = new Set<string>();
    for (const { table, key } of requests) {
      const id = keyId(table, key);
      if (seen.has(id)) continue; // BatchGetItem refuses duplicate keys
      seen.add(id);
      (pending[table] ??= { Keys: [], ConsistentRead: true }).Keys.push(marshall(key));
    }
    for (let attempt = 0; Object.keys(pending).length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new DependencyError('batch read kept being throttled');
      if (attempt > 0) await backoff(attempt);
      const out = await this.client.send(new BatchGetItemCommand({ RequestItems: pending }));
      for (const [table, items] of Object.entries(out.Responses ?? {})) {
        const names = Object.keys(requests.find((r) => r.table === table)!.key);
        for (const raw of items) {
          const item = unmarshall(raw);
          found.set(keyId(table, Object.fromEntries(names.map((n) => [n, String(item[n])]))), item);
        }
      }
      pending = (out.UnprocessedKeys ?? {}) as typeof pending;
    }
    return requests.map(({ table, key }) => found.get(keyId(table, key)) ?? null);
  }

  private async batchPut(requests: PutRequest[]): Promise<void[]> {
    // BatchWriteItem refuses two writes to one key: the later one wins, as it would in sequence.
    const byKey = new Map<string, PutRequest>();
    for (const r of requests) byKey.set(keyId(r.table, Object.fromEntries(r.keyNames.map((n) => [n, String(r.item[n])]))), r);
    let pending: Record<string, { PutRequest: { Item: Marshalled } }[]> = {};
    for (const { table, item } of byKey.values()) (pending[table] ??= []).push({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) } });
    for (let attempt = 0; Object.keys(pending).length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new DependencyError('batch write kept being throttled');
      if (attempt > 0) await backoff(attempt);
      const out = await this.client.send(new BatchWriteItemCommand({ RequestItems: pending }));
      pending = (out.UnprocessedItems ?? {}) as typeof pending;
    }
    return requests.map(() => undefined);
  }
}

const batchers = new WeakMap<DynamoDBClient, DynamoBatcher>();

/** The batcher shared by every store on this client. */
export function batcherFor(client: DynamoDBClient): DynamoBatcher {
  let batcher = batchers.get(client);
  if (!batcher) batchers.set(client, (batcher = new DynamoBatcher(client)));
  return batcher;
}
