/**
 * The agent process: reads its configuration from the environment (the only
 * place that does), wires Kafka, Docker (or the hollow runtime) and a logger,
 * runs the agent and drains it on SIGTERM/SIGINT. Containers survive the agent.
 */
import { ConfigObjectCache } from './config-objects/cache';
import { DynamoConfigObjectStore } from '../shared/adapters/dynamodb/config-object-store';
import { nodeAgentToken } from '../shared/auth/agent-token';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { DynamoPodStore, makeDynamoClient } from '../shared/adapters/dynamodb';
import { makeKafka } from '../shared/adapters/kafka/client';
import { credentialsDir, kafkaSasl } from '../shared/adapters/kafka/auth';
import { KafkaPublisher } from '../shared/adapters/kafka/publisher';
import { nodePrincipal } from '../shared/auth/credentials';
import { readNodeKey } from '../shared/auth/node-keys';
import { nodeSigner } from '../shared/auth/node-signature';
import type { Logger } from '../shared/ports';
import { createAgent } from './agent';
import { AgentMetrics } from './metrics';
import { containerDefaultsFromEnv, parseAgentEnv, settingsFromEnv } from './config';
import { DockerRuntime } from './runtime/docker';
import { DockerStreams } from './runtime/docker-streams';
import { HollowRuntime } from './runtime/hollow';
import { makePodNetwork, useHostNetnsDialer } from './network/wiring';

async function main(): Promise<void> {
  const env = parseAgentEnv(process.env);
  const logger = pino({ level: env.LOG_LEVEL, base: { component: 'agent' } }) as unknown as Logger;
  // The API presents each node's own token; given the cluster's, this node derives its own and accepts only that.
  let token = env.AGENT_TOKEN && env.AGENT_TOKEN_KIND === 'cluster' ? nodeAgentToken(env.AGENT_TOKEN, env.NODE_NAME) : env.AGENT_TOKEN;
  if (!token) {
    token = randomBytes(24).toString('hex');
    logger.warn('AGENT_TOKEN is not set: the log server accepts only a random token nobody knows');
  }
  const kafka = makeKafka(
    {
      brokers: env.KAFKA_BROKERS,
      clientId: `agent-${env.NODE_NAME}`,
      ssl: env.KAFKA_SSL === 'true',
      sasl: kafkaSasl(env, nodePrincipal(env.NODE_NAME)),
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
    },
    logger,
  );
  // With node authentication, every heartbeat and status carries this node's signature.
  const signingKey = env.KAFKA_AUTH === 'scram' ? readNodeKey(credentialsDir(env), env.NODE_NAME) : undefined;
  if (env.KAFKA_AUTH === 'scram' && !signingKey) throw new Error(`node ${env.NODE_NAME} has no signing key in ${credentialsDir(env)}: it has not joined the cluster`);
  const publisher = KafkaPublisher.fromKafka(kafka, { headers: signingKey ? nodeSigner(env.NODE_NAME, signingKey) : undefined });
  await publisher.connect();
  const runtime =
    env.RUNTIME === 'hollow'
      ? new HollowRuntime()
      : new DockerRuntime({ network: env.DOCKER_NETWORK, defaults: containerDefaultsFromEnv(env), onError: (err, what) => logger.warn({ err: (err as Error).message }, `${what} failed`) });
  // The Pods projection fills in what the retained assignments no longer hold (agent/assignments/snapshot.ts).
  const store = makeDynamoClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });
  const projection = env.PODS_TABLE ? new DynamoPodStore(store, env.PODS_TABLE) : undefined;
  if (!projection) logger.warn('PODS_TABLE is not set: recovery replays only what node-assignments retains');
  const configObjects = env.CONFIG_OBJECTS_TABLE ? new ConfigObjectCache(new DynamoConfigObjectStore(store, env.CONFIG_OBJECTS_TABLE), { ttlMs: env.CONFIG_CACHE_TTL_MS }) : undefined;
  if (!configObjects) logger.warn('CONFIG_OBJECTS_TABLE is not set: pods that name a ConfigMap or Secret wait in CreateContainerConfigError');
  const metrics = new AgentMetrics({ defaultMetrics: true });
  const streams = env.RUNTIME === 'docker' ? new DockerStreams() : undefined;
  // A node whose host is another network namespace dials its pods from there (agent/network/netns-dialer.ts).
  if (env.HOST_NETNS) await useHostNetnsDialer(env);
  const podNetwork = env.POD_NETWORK === 'vxlan' ? makePodNetwork(env, logger) : undefined;
  const agent = await createAgent({ settings: settingsFromEnv(env, token), runtime, publisher, logger, kafka, projection, metrics, streams, configObjects, podNetwork });
  logger.info({ node: agent.nodeName, bootId: agent.bootId, endpoint: agent.description.endpoint, runtime: env.RUNTIME }, 'agent starting');

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(130);
    logger.info({ signal }, 'draining');
    void agent.shutdown();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  try {
    await agent.run();
  } finally {
    await publisher.disconnect().catch(() => undefined);
  }
  process.exit(agent.state === 'FAILED' ? 1 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`agent: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
