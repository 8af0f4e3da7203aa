/** Loads the recorded MSK and EventBridge events under test/fixtures/msk, and small fakes around the real batch runner. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBatchRunner } from '../../../shared/runtime/batch-runner';
import type { HandlerRuntime } from '../../../shared/runtime/handler-module';
import { TOPIC_SCHEMAS, type Envelope, type TopicName } from '../../../shared/events';

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, '../../fixtures/msk', name), 'utf8'));
}

import { silentLogger } from '../../../shared/runtime/logger';

export { silentLogger };

import { RecordingPublisher } from '../../../shared/adapters/memory';

export { RecordingPublisher };

/** A handler runtime on the real batch runner, with the topic's real zod schema and a scripted `handle`. */
export function runtimeFor(
  topic: TopicName,
  handle: (event: Envelope) => Promise<void>,
  extra: Partial<HandlerRuntime> = {},
): { runtime: HandlerRuntime; publisher: RecordingPublisher } {
  const publisher = new RecordingPublisher();
  const run = makeBatchRunner({
    handlerName: 'test-handler',
    schema: TOPIC_SCHEMAS[topic],
    handle: (event) => handle(event as Envelope),
    publisher,
    clock: { now: () => new Date('2025-03-14T09:30:00Z') },
    logger: silentLogger,
    retryDelayMs: 1,
  });
  return { runtime: { name: 'test-handler', topics: [topic], run, close: async () => undefined, ...extra }, publisher };
}
