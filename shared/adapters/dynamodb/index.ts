/** Builds the DynamoDB-backed stores from configuration. */
import type { BaseConfig } from '../../config';
import { tablesFrom } from '../../config';
import { DynamoBinder } from './binder';
import { makeDynamoClient } from './client';
import { DynamoHistoryStore } from './history-store';
import { DynamoNodeStore } from './node-store';
import { DynamoPodStore } from './pod-store';
import { DynamoRcStore } from './rc-store';
import { DynamoConfigObjectStore } from './config-object-store';
import { instrumentStoreClient } from './metrics';
import type { StoreMetrics } from '../../metrics/handler-metrics';

export { ensureTables } from './bootstrap';
export { makeDynamoClient } from './client';
export { DynamoBinder, DynamoConfigObjectStore, DynamoHistoryStore, DynamoNodeStore, DynamoPodStore, DynamoRcStore };

export function makeDynamoStores(config: BaseConfig, metrics?: StoreMetrics) {
  const client = makeDynamoClient({ endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION, requestTimeoutMs: config.DYNAMODB_REQUEST_TIMEOUT_MS, maxAttempts: config.DYNAMODB_MAX_ATTEMPTS });
  const tables = tablesFrom(config);
  if (metrics) instrumentStoreClient(client, tables, metrics);
  return {
    client,
    tables,
    podStore: new DynamoPodStore(client, tables.Pods),
    nodeStore: new DynamoNodeStore(client, tables.Nodes),
    historyStore: new DynamoHistoryStore(client, tables.PodHistory),
    rcStore: new DynamoRcStore(client, tables.ReplicationControllers),
    configStore: new DynamoConfigObjectStore(client, tables.ConfigObjects),
    binder: new DynamoBinder(client, tables),
  };
}
