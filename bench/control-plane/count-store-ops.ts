/**
 * Preloaded (node --require) into the cluster's processes by the benchmark:
 * counts DynamoDB requests by command, and the items they carry, and writes
 * the running totals to $STORE_OPS_DIR/<pid>.json every second.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const dir = process.env.STORE_OPS_DIR;
if (dir) {
  mkdirSync(dir, { recursive: true });
  const counts: Record<string, number> = {};
  const original = DynamoDBClient.prototype.send;
  DynamoDBClient.prototype.send = function (this: DynamoDBClient, command: { constructor: { name: string }; input?: Record<string, unknown> }, ...rest: unknown[]) {
    const name = command.constructor.name.replace(/Command$/, '');
    counts[name] = (counts[name] ?? 0) + 1;
    counts.requests = (counts.requests ?? 0) + 1;
    const input = command.input ?? {};
    const items = input.RequestItems
      ? Object.values(input.RequestItems as Record<string, unknown[] | { Keys: unknown[] }>).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : v.Keys.length), 0)
      : input.TransactItems
        ? (input.TransactItems as unknown[]).length
        : 1;
    counts.items = (counts.items ?? 0) + items;
    return (original as (...a: unknown[]) => unknown).call(this, command, ...rest);
  } as typeof original;
  const file = path.join(dir, `${process.pid}.json`);
  const flush = () => writeFileSync(file, JSON.stringify(counts));
  setInterval(flush, 1000).unref();
  process.on('exit', flush);
}
