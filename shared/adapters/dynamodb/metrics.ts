/**
 * Counts every DynamoDB request of a client by logical table (Pods, Nodes ...)
 * and operation, and every failed conditional check by table, with one
 * middleware on the client: no store method has to remember to count, and
 * table labels stay bounded whatever the tables' physical names (prefixes).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StoreMetrics } from '../../metrics/handler-metrics';
import type { TableNames } from './tables';

type Input = {
  TableName?: string;
  RequestItems?: Record<string, unknown>;
  TransactItems?: Record<string, { TableName?: string } | undefined>[];
};

/** The tables one request touches, in the order of its items (a transaction's, a batch's). */
export function tablesOfRequest(input: Input): string[] {
  if (input.TableName) return [input.TableName];
  if (input.RequestItems) return Object.keys(input.RequestItems);
  if (input.TransactItems) return input.TransactItems.map((item) => Object.values(item).find((op) => op?.TableName)?.TableName ?? '');
  return [];
}

/** The tables whose conditional check failed: the table of a ConditionalCheckFailed, the cancelled items' tables of a transaction. */
export function conflictTables(input: Input, err: unknown): string[] {
  const e = err as { name?: string; CancellationReasons?: ({ Code?: string } | undefined)[] };
  if (e?.name === 'ConditionalCheckFailedException') return tablesOfRequest(input).slice(0, 1);
  if (e?.name === 'TransactionCanceledException' && input.TransactItems) {
    const tables = tablesOfRequest(input);
    return (e.CancellationReasons ?? []).flatMap((r, i) => (r?.Code === 'ConditionalCheckFailed' && tables[i] ? [tables[i]] : []));
  }
  return [];
}

export function instrumentStoreClient(client: DynamoDBClient, tables: TableNames, metrics: StoreMetrics): void {
  const logical = new Map(Object.entries(tables).map(([name, physical]) => [physical, name]));
  const label = (physical: string) => logical.get(physical) ?? 'other';
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args.input ?? {}) as Input;
      const op = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      for (const table of new Set(tablesOfRequest(input).map(label))) metrics.storeCall(table, op);
      try {
        return await next(args);
      } catch (err) {
        for (const table of conflictTables(input, err)) metrics.storeConflict(label(table));
        throw err;
      }
    },
    { step: 'initialize', name: 'podflowStoreMetrics' },
  );
}
