/**
 * The local twin of Lambda + MSK event source mappings: one kafkajs consumer
 * group per handler feeding its batch function, and a timer for sweeps. Each
 * group joins as its handler's own principal when the runtime brings a client.
 */
import type { Consumer, Kafka } from 'kafkajs';
import { startConsumer } from '../adapters/kafka/consumer';
import type { Logger } from '../ports';
import type { HandlerMetrics } from '../metrics/handler-metrics';
import type { HandlerRuntime } from './handler-module';

export interface RunningHandlers {
  stop(): Promise<void>;
}

export async function runHandlers(kafka: Kafka, runtimes: HandlerRuntime[], opts: { logger: Logger; sweepIntervalMs: number; metrics?: HandlerMetrics }): Promise<RunningHandlers> {
  const consumers: Consumer[] = [];
  const timers: NodeJS.Timeout[] = [];
  // Group joins take seconds each on the broker: start them side by side.
  consumers.push(
    ...(await Promise.all(
      runtimes.map((runtime) =>
        startConsumer(runtime.kafka ?? kafka, {
          groupId: runtime.name,
          topics: runtime.topics,
          run: runtime.run,
          logger: opts.logger.child({ handler: runtime.name }),
          onLag: opts.metrics ? (topic, partition, lag) => opts.metrics?.consumerLag(runtime.name, topic, partition, lag) : undefined,
        }),
      ),
    )),
  );
  for (const runtime of runtimes) {
    if (runtime.sweep) {
      let running = false;
      const sweep = runtime.sweep;
      timers.push(
        setInterval(() => {
          if (running) return; // never overlap sweeps
          running = true;
          sweep()
            .catch((err) => opts.logger.error({ err: String(err), handler: runtime.name }, 'sweep failed'))
            .finally(() => (running = false));
        }, opts.sweepIntervalMs),
      );
    }
  }
  return {
    async stop() {
      timers.forEach(clearInterval);
      await Promise.all(consumers.map((c) => c.disconnect()));
      await Promise.all(runtimes.map((r) => r.close()));
    },
  };
}
