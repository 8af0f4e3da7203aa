/**
 * A fleet of hollow nodes in one process (as kubemark's hollow nodes): N agents
 * on the in-memory runtime sharing one producer and one consumer over the
 * fleet's node-assignments partitions, dispatching each record by key to its
 * node. Each node still replays its partition, fences, heartbeats and reports
 * pod status exactly as a Docker node would, so the control plane can be tested
 * and benchmarked with many nodes on one machine. On an authenticating broker
 * the fleet connects as the admin it is given (one Kafka user per hollow node
 * would cost a tool run each) but signs each node's records with that node's
 * own key, minted as it joins, so the control plane checks them as any node's.
 */
import { randomUUID } from 'node:crypto';
import type { SASLOptions } from 'kafkajs';
import { mintNodeKey } from '../shared/auth/node-keys';
import { fleetSigner } from '../shared/auth/node-signature';
import { makeKafka } from '../shared/adapters/kafka/client';
import { KafkaPublisher } from '../shared/adapters/kafka/publisher';
import { nodePartition } from '../shared/events';
import type { PodSecurityLevels } from '../shared/pod/admission';
import type { Logger } from '../shared/ports';
import { silentLogger } from '../shared/runtime/logger';
import { createAgent, type Agent, type AgentSettings } from './agent';
import { startAssignmentFeed, type AssignmentFeed } from './assignments/feed';
import { DEFAULT_BACKOFF, type BackoffConfig } from './sync/backoff';
import { HollowRuntime } from './runtime/hollow';

export interface HollowFleetOptions {
  brokers: string[];
  /** The cluster's topic prefix, when it shares its Kafka (tests). */
  topicPrefix?: string;
  count: number;
  /** Node names are `${namePrefix}${index}` (index from 0, zero-padded to the count's width). */
  namePrefix?: string;
  capacity?: { cpu?: string; memory?: string; pods?: number };
  labels?: Record<string, string>;
  heartbeatIntervalMs?: number;
  resyncIntervalMs?: number;
  backoff?: BackoffConfig;
  logger?: Logger;
  /** Images the hollow nodes pretend to miss (ErrImagePull paths). */
  missingImages?: string[];
  /** On an authenticating broker: the fleet's SASL settings and the credentials directory its nodes' keys go to. */
  auth?: { sasl: SASLOptions; credentialsDir: string };
  /** The cluster's Pod Security levels, when a test's control plane sets any (the nodes check them again). */
  podSecurity?: PodSecurityLevels;
}

export interface HollowFleet {
  nodes: Agent[];
  nodeNames: string[];
  /** Resolves when every node has replayed its assignments and reported ready. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function hollowNodeNames(prefix: string, count: number): string[] {
  const width = String(Math.max(0, count - 1)).length;
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(width, '0')}`);
}

export async function startHollowFleet(opts: HollowFleetOptions): Promise<HollowFleet> {
  const logger = opts.logger ?? silentLogger;
  const fleetId = randomUUID();
  const kafka = makeKafka({ brokers: opts.brokers, clientId: `hollow-fleet-${fleetId.slice(0, 8)}`, sasl: opts.auth?.sasl, topicPrefix: opts.topicPrefix }, logger);
  const nodeNames = hollowNodeNames(opts.namePrefix ?? 'hollow-', opts.count);
  const auth = opts.auth;
  const keys = auth ? new Map(nodeNames.map((n) => [n, mintNodeKey(auth.credentialsDir, n)])) : null;
  const publisher = KafkaPublisher.fromKafka(kafka, { headers: keys ? fleetSigner({ keyOf: (n) => keys.get(n) }) : undefined });
  await publisher.connect();

  const settings = (nodeName: string): AgentSettings => ({
    nodeName,
    labels: { ...opts.labels },
    capacityCpu: opts.capacity?.cpu ?? '4',
    capacityMemory: opts.capacity?.memory ?? '8Gi',
    maxPods: opts.capacity?.pods ?? 110,
    allowPrivileged: false,
    allowHostPath: false,
    address: '127.0.0.1',
    heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 10_000,
    resyncIntervalMs: opts.resyncIntervalMs ?? 10_000,
    backoff: opts.backoff ?? DEFAULT_BACKOFF,
    pauseImage: 'podflow/pause:1',
    logPort: null,
    logToken: '',
    ...(opts.podSecurity ? { podSecurity: opts.podSecurity } : {}),
  });
  const host = { cpus: 4, memoryBytes: 8 * 2 ** 30, address: '127.0.0.1', osImage: 'podflow hollow node', kernelVersion: 'hollow', arch: 'amd64' };
  const nodes = await Promise.all(
    nodeNames.map((name) =>
      createAgent({ settings: settings(name), runtime: new HollowRuntime({ missingImages: opts.missingImages }), publisher, logger, host }),
    ),
  );
  const byName = new Map(nodes.map((n) => [n.nodeName, n]));
  const byPartition = new Map<number, Agent[]>();
  for (const n of nodes) {
    const p = nodePartition(n.nodeName);
    byPartition.set(p, [...(byPartition.get(p) ?? []), n]);
  }

  const runs = nodes.map((n) => n.run().catch((err: unknown) => logger.error({ node: n.nodeName, err: (err as Error).message }, 'hollow node failed')));
  let feed: AssignmentFeed | null = null;
  try {
    feed = await startAssignmentFeed({
      kafka,
      groupId: `hollow-fleet-${fleetId}`,
      partitions: [...byPartition.keys()].sort((a, b) => a - b),
      logger,
      onEvent: (key, event) => byName.get(key)?.deliver(event),
      onCaughtUp: (p) => byPartition.get(p)?.forEach((n) => n.caughtUp()),
    });
  } catch (err) {
    await Promise.all(nodes.map((n) => n.shutdown()));
    await publisher.disconnect();
    throw err;
  }

  let stopping: Promise<void> | null = null;
  return {
    nodes,
    nodeNames,
    ready: Promise.all(nodes.map((n) => n.whenReady())).then(() => undefined),
    stop: () =>
      (stopping ??= (async () => {
        await feed?.stop().catch(() => undefined);
        await Promise.all(nodes.map((n) => n.shutdown()));
        await Promise.allSettled(runs);
        await publisher.disconnect();
      })()),
  };
}
