/**
 * Starts the real control plane in the test process on the suite's Apache
 * Kafka and DynamoDB Local (topics and tables of its own): the handlers under
 * the local runner and the API, all on loopback. Each handler and the API
 * authenticate as their own principals; the test's publisher acts as the fake
 * nodes its tests name, signing their heartbeats and statuses with keys minted
 * on first use (a node joining).
 */
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { makeDynamoStores } from '../../shared/adapters/dynamodb';
import { KafkaPublisher } from '../../shared/adapters/kafka/publisher';
import { mintNodeKey } from '../../shared/auth/node-keys';
import { fleetSigner } from '../../shared/auth/node-signature';
import { baseConfigSchema } from '../../shared/config';
import { startTestParts, type TestParts } from './parts';
import { silentLogger } from '../../shared/runtime/logger';
import { runHandlers, type RunningHandlers } from '../../shared/runtime/local-runner';
import type { BuildHandler, HandlerRuntime } from '../../shared/runtime/handler-module';
import { build as podController } from '../../functions/pod-controller';
import { build as scheduler } from '../../functions/scheduler';
import { build as statusRecorder } from '../../functions/status-recorder';
import { build as nodeLifecycle } from '../../functions/node-lifecycle';
import { build as replicationController } from '../../functions/replication-controller';
import { build as configController } from '../../functions/config-controller';
import { startApi, type RunningApi } from '../../api';
import { requester, type Requester } from './http';

export const ALL_HANDLERS: Record<string, BuildHandler> = {
  'pod-controller': podController,
  scheduler,
  'status-recorder': statusRecorder,
  'node-lifecycle': nodeLifecycle,
  'replication-controller': replicationController,
  'config-controller': configController,
};

export interface ControlPlane {
  env: Record<string, string>;
  parts: TestParts;
  kafka: Kafka;
  publisher: KafkaPublisher;
  stores: ReturnType<typeof makeDynamoStores>;
  api: RunningApi;
  token: string;
  /** Starts (another set of) handlers; `names` maps a runtime name to the handler it runs. */
  startHandlers(names: string[], rename?: (n: string) => string): Promise<RunningHandlers>;
  handlers: RunningHandlers;
  request: Requester;
  stop(): Promise<void>;
}

export async function startControlPlane(extraEnv: Record<string, string> = {}): Promise<ControlPlane> {
  const parts = await startTestParts();
  const token = randomBytes(16).toString('hex');
  const env: Record<string, string> = {
    ...parts.env,
    API_TOKEN: token,
    AGENT_TOKEN: randomBytes(16).toString('hex'),
    API_PORT: '0',
    LOG_LEVEL: 'error',
    ...extraEnv,
  };
  const stores = makeDynamoStores(baseConfigSchema.parse(env));
  const kafka = parts.kafka('test');
  const credentialsDir = env.KAFKA_CREDENTIALS_DIR;
  const publisher = KafkaPublisher.fromKafka(kafka, { headers: fleetSigner({ keyOf: (node) => mintNodeKey(credentialsDir, node) }) });
  await publisher.connect();

  const running: RunningHandlers[] = [];
  const startHandlers = async (names: string[], rename: (n: string) => string = (n) => n) => {
    const runtimes: HandlerRuntime[] = await Promise.all(names.map(async (n) => ({ ...(await ALL_HANDLERS[n](env)), name: rename(n) })));
    const r = await runHandlers(kafka, runtimes, { logger: silentLogger, sweepIntervalMs: Number(env.SWEEP_INTERVAL_MS ?? 500) });
    running.push(r);
    return r;
  };
  const handlers = await startHandlers(Object.keys(ALL_HANDLERS));
  const api = await startApi(env);

  const request = requester(() => api.url, token);

  return {
    env,
    parts,
    kafka,
    publisher,
    stores,
    api,
    token,
    startHandlers,
    handlers,
    request,
    stop: async () => {
      await api.close();
      for (const r of running) await r.stop().catch(() => undefined);
      await publisher.disconnect();
      stores.client.destroy();
      await parts.stop();
    },
  };
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 15000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
