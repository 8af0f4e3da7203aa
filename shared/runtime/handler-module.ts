/**
 * What every `functions/<name>/index.ts` exports: `build(env)` wires real
 * clients (Kafka producer, DynamoDB) around the handler factory and returns the
 * batch function. The local runner feeds it from kafkajs; the Lambda adapter
 * feeds it from the MSK event. Timer-driven handlers also export a sweep.
 */
import type { Kafka } from 'kafkajs';
import type { TopicName } from '../events/topics';
import type { HandlerMetrics } from '../metrics/handler-metrics';
import type { BatchFunction } from './batch-runner';

export interface HandlerRuntime {
  /** Stable handler name: consumer group id locally, function name in the cloud. */
  name: string;
  /** Topics the batch function consumes. */
  topics: TopicName[];
  run: BatchFunction;
  /** For timer-driven work (node-lifecycle sweep): one level-triggered pass. */
  sweep?: () => Promise<void>;
  /** A client authenticated as this handler's principal: the local runner's consumer group joins with it. */
  kafka?: Kafka;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** Where the runner and the store adapters report (none: nothing is counted). */
  metrics?: HandlerMetrics;
}

export type BuildHandler = (env: NodeJS.ProcessEnv, opts?: BuildOptions) => Promise<HandlerRuntime>;
