/**
 * Process configuration, read from the environment through zod in `main.ts`
 * files only. Local defaults; the cloud sets the same variables on each function.
 */
import { z } from 'zod';
import { tableNames, type TableNames } from './adapters/dynamodb/tables';

const csv = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

export const baseConfigSchema = z.object({
  KAFKA_BROKERS: csv.default([]),
  KAFKA_SSL: z.enum(['true', 'false']).default('false'),
  /** 'iam' in the cloud (MSK IAM auth); 'scram' on the local broker (SCRAM-SHA-512, a principal per role and node); empty: none. */
  KAFKA_AUTH: z.enum(['', 'iam', 'scram']).default(''),
  /** With 'scram': the directory of `<principal>.json` credentials and `node-keys/` (shared/auth/credentials.ts). */
  KAFKA_CREDENTIALS_DIR: z.string().optional(),
  /** Prepended to every topic and consumer group (clusters or test runs sharing one Kafka). */
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/).default(''),
  DYNAMODB_ENDPOINT: z.string().optional(),
  AWS_REGION: z.string().default('us-east-1'),
  /** One store call's bound per attempt, and attempts per call: a store that stops answering is an error in bounded time, never a hang. */
  DYNAMODB_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  DYNAMODB_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  TABLE_PREFIX: z.string().default('podflow-'),
  TABLE_PODS: z.string().optional(),
  TABLE_NODES: z.string().optional(),
  TABLE_POD_HISTORY: z.string().optional(),
  TABLE_REPLICATION_CONTROLLERS: z.string().optional(),
  TABLE_CONFIG_OBJECTS: z.string().optional(),
  /** Deliveries of a record that keep failing retryably before a handler dead-letters it (shared/runtime/delivery-count.ts). */
  HANDLER_MAX_DELIVERIES: z.coerce.number().int().min(1).default(8),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

export function tablesFrom(config: BaseConfig): TableNames {
  const defaults = tableNames(config.TABLE_PREFIX);
  return {
    Pods: config.TABLE_PODS ?? defaults.Pods,
    Nodes: config.TABLE_NODES ?? defaults.Nodes,
    PodHistory: config.TABLE_POD_HISTORY ?? defaults.PodHistory,
    ReplicationControllers: config.TABLE_REPLICATION_CONTROLLERS ?? defaults.ReplicationControllers,
    ConfigObjects: config.TABLE_CONFIG_OBJECTS ?? defaults.ConfigObjects,
  };
}
