/** Wires the API server to Kafka and DynamoDB and starts listening. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { wire } from '../shared/runtime/wiring';
import { admissionPolicyFromEnv, admitPod } from '../shared/pod/admission';
import { PodFeed } from './feed';
import { EventFeed } from './event-feed';
import { ApiMetrics } from './metrics';
import { buildApi } from './server';
import { BoundedPublisher } from './bounded-publisher';
import { Readiness } from './readiness';
import { WatchLimiter } from './watch-limits';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { physicalTopic } from '../shared/adapters/kafka/client';
import { TOPICS } from '../shared/events';

export const apiConfigSchema = z.object({
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(8001),
  /** The same API over HTTPS (kubectl sends bearer tokens only over TLS); needs API_TLS_CERT and API_TLS_KEY. */
  API_TLS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  API_TLS_CERT: z.string().optional(),
  API_TLS_KEY: z.string().optional(),
  API_TOKEN: z.string().min(16, 'API_TOKEN must be at least 16 characters'),
  AGENT_TOKEN: z.string().min(16, 'AGENT_TOKEN must be at least 16 characters'),
  WRITE_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** A write whose record the broker has not taken within this bound answers 503 with Retry-After. */
  PUBLISH_TIMEOUT_MS: z.coerce.number().int().positive().default(4_000),
  /** Concurrent watches per user (429 beyond), and bytes queued for a watcher that does not read before it is closed. */
  MAX_WATCHES_PER_USER: z.coerce.number().int().positive().default(100),
  WATCH_MAX_BUFFERED_BYTES: z.coerce.number().int().positive().default(4 * 1024 * 1024),
  /** HTTP server bounds: the whole request (headers and body, not the response stream), the headers, an idle keep-alive connection. */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(0).default(20_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
});

export interface RunningApi {
  app: FastifyInstance;
  url: string;
  tlsUrl?: string;
  close(): Promise<void>;
}

export async function startApi(env: NodeJS.ProcessEnv): Promise<RunningApi> {
  const config = apiConfigSchema.parse(env);
  const policy = admissionPolicyFromEnv(env);
  // The API answers a client within seconds even when the store is away (503 with Retry-After): shorter store bounds than the handlers'.
  const w = await wire('api', { DYNAMODB_REQUEST_TIMEOUT_MS: '2000', DYNAMODB_MAX_ATTEMPTS: '2', ...env });
  const feed = new PodFeed(w.logger);
  const eventFeed = new EventFeed(w.logger);
  await Promise.all([feed.start(w.kafka), eventFeed.start(w.kafka)]);
  // Cheap probes for /readyz: the metadata of one topic, and one table's description (api/readiness.ts).
  const probeAdmin = w.kafka.admin({ retry: { retries: 0 } });
  let probeConnected: Promise<void> | null = null;
  const readiness = new Readiness({
    broker: async () => {
      probeConnected ??= probeAdmin.connect().catch((err: unknown) => {
        probeConnected = null;
        throw err;
      });
      await probeConnected;
      await probeAdmin.fetchTopicMetadata({ topics: [physicalTopic(w.kafka, TOPICS.podEvents)] });
    },
    store: async () => {
      await w.stores.client.send(new DescribeTableCommand({ TableName: w.stores.tables.Pods }));
    },
  });
  const deps = {
    ...w.stores,
    publisher: new BoundedPublisher(w.publisher, config.PUBLISH_TIMEOUT_MS, () => readiness.require('store')),
    readiness,
    watchLimiter: new WatchLimiter({ maxPerUser: config.MAX_WATCHES_PER_USER, maxBufferedBytes: config.WATCH_MAX_BUFFERED_BYTES }),
    feed,
    eventFeed,
    clock: w.clock,
    logger: w.logger,
    token: config.API_TOKEN,
    agentToken: config.AGENT_TOKEN,
    writeTimeoutMs: config.WRITE_TIMEOUT_MS,
    admit: (pod: unknown) => admitPod(pod, policy),
    metrics: new ApiMetrics({ defaultMetrics: true }),
  };
  const app = buildApi(deps);
  const address = await app.listen({ host: config.API_HOST, port: config.API_PORT });
  const secure =
    config.API_TLS_PORT && config.API_TLS_CERT && config.API_TLS_KEY
      ? buildApi(deps, { https: { cert: readFileSync(config.API_TLS_CERT), key: readFileSync(config.API_TLS_KEY) } })
      : null;
  const tlsAddress = secure ? await secure.listen({ host: config.API_HOST, port: config.API_TLS_PORT }) : undefined;
  // Node's requestTimeout covers receiving a request, not sending the response: watches, logs -f and exec streams stay open.
  for (const server of [app.server, secure?.server]) {
    if (!server) continue;
    server.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
    server.headersTimeout = config.HTTP_HEADERS_TIMEOUT_MS;
    server.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  }
  w.logger.info({ address, tlsAddress }, 'API listening');
  return {
    app,
    url: address,
    tlsUrl: tlsAddress,
    close: async () => {
      await secure?.close();
      await app.close();
      await Promise.all([feed.stop(), eventFeed.stop(), probeConnected ? probeAdmin.disconnect() : Promise.resolve()]);
      await w.close();
    },
  };
}
