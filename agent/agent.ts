/**
 * The node agent (podflow's kubelet): an async factory and an explicit
 * lifecycle, INITIALIZED → RUNNING → DRAINING → STOPPED | FAILED. `run()`
 * announces the node, replays its assignments (what the log retains, filled in
 * from the Pods projection where retention removed records: see
 * assignments/snapshot.ts), fences stale pods, then reports ready and keeps
 * every desired pod converged; it resolves on shutdown.
 * Draining stops the agent's own work only: containers keep running, so an
 * agent restart never kills pods. A process frozen past `pauseThresholdMs`
 * (SIGSTOP, a suspended VM) re-syncs before it acts again: not ready, no status,
 * workers held; it reads its partition up to the high watermark of now (the
 * control plane unassigned what it evicted meanwhile), fences, and only then
 * reports ready and resumes status reports.
 */
import type { ConfigObjectCache } from './config-objects/cache';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { nodePartition, type NodeAssignmentEvent, type NodeDescription } from '../shared/events';
import { systemClock, type Clock, type Logger, type Publisher } from '../shared/ports';
import { startAssignmentFeed, type AssignmentFeed } from './assignments/feed';
import { assignmentsFromProjection, type NodePodsReader } from './assignments/snapshot';
import { podKey } from '../shared/pod/schema';
import { startLogServer, type LogServer } from './logs/server';
import { createStreamServer } from './streams/server';
import type { ContainerStreams } from './runtime/streams';
import { DockerStreams } from './runtime/docker-streams';
import { Heartbeat } from './node/heartbeat';
import { PauseDetector } from './node/pause-detector';
import { AGENT_VERSION, describeNode, hostFacts, type HostFacts, type NodeSettings } from './node/identity';
import type { ContainerRuntime } from './runtime/types';
import type { BackoffConfig } from './sync/backoff';
import { PodManager } from './sync/pod-manager';
import { Prober } from './probes/prober';
import { StatsSampler } from './stats/sampler';
import { StatusReporter } from './status/reporter';
import type { AgentMetrics } from './metrics';
import { instrumentRuntime } from './runtime/instrumented';
import { pullAuthsFrom } from './images/pull-secrets';
import type { PodNetwork } from './network/pod-network';

export type AgentState = 'INITIALIZED' | 'RUNNING' | 'DRAINING' | 'STOPPED' | 'FAILED';

import type { PodSecurityLevels } from '../shared/pod/admission';

export interface AgentSettings extends NodeSettings {
  heartbeatIntervalMs: number;
  resyncIntervalMs: number;
  backoff: BackoffConfig;
  pauseImage: string;
  /** The cluster's Pod Security levels, checked again here before anything runs; none: the defaults (baseline). */
  podSecurity?: PodSecurityLevels;
  /** A wall-clock gap between two looks longer than this means the process was frozen; default 3 heartbeat intervals. */
  pauseThresholdMs?: number;
  /** Log server port; 0 picks one; null runs none (hollow fleets). */
  logPort: number | null;
  logToken: string;
  /** Where the agent keeps per-pod files (termination messages); default a directory under the OS temp dir. */
  stateDir?: string;
  /** How often the usage sampler looks at every container (kubectl top); default 15 s. */
  statsIntervalMs?: number;
}

export interface AgentDeps {
  settings: AgentSettings;
  runtime: ContainerRuntime;
  publisher: Publisher;
  logger: Logger;
  /** With a Kafka client the agent reads its own partition; without, the caller delivers (a hollow fleet). */
  kafka?: Kafka;
  /** The Pods projection: fills in what the retained log no longer holds. Without it, the log alone is replayed. */
  projection?: NodePodsReader;
  clock?: Clock;
  bootId?: string;
  host?: HostFacts;
  /** Pods by phase, restarts, sync and runtime-call latency, heartbeat age; served at the log server's /metrics. */
  metrics?: AgentMetrics;
  /** exec and attach into running containers; without it the node refuses them. */
  streams?: ContainerStreams;
  /** The ConfigMaps and Secrets pods name; without it a pod that names one waits in CreateContainerConfigError. */
  configObjects?: ConfigObjectCache;
  /** The node's pod network (agent/network/): pods start only once it is programmed, and each heartbeat carries its status. */
  podNetwork?: PodNetwork;
}

export interface Agent {
  readonly nodeName: string;
  readonly bootId: string;
  readonly state: AgentState;
  readonly ready: boolean;
  readonly description: NodeDescription;
  run(): Promise<void>;
  shutdown(): Promise<void>;
  /** Resolves once the node has replayed its assignments and fenced stale pods. */
  whenReady(): Promise<void>;
  /** For callers that read the partition themselves: one assignment for this node. */
  deliver(event: NodeAssignmentEvent): void;
  /** For callers that read the partition themselves: the partition is replayed up to its start watermark. */
  caughtUp(): void;
}

export async function createAgent(deps: AgentDeps): Promise<Agent> {
  const { settings, publisher, metrics } = deps;
  const runtime = metrics ? instrumentRuntime(deps.runtime, (call, seconds) => metrics.runtimeCall(call, seconds)) : deps.runtime;
  const clock = deps.clock ?? systemClock;
  const bootId = deps.bootId ?? randomUUID();
  const logger = deps.logger.child({ node: settings.nodeName, bootId });
  const host = deps.host ?? hostFacts();
  // With a pod network, the pod bridge is built on the node's range once the control plane assigned it (run()).
  if (!deps.podNetwork) await runtime.prepare();
  const runtimeVersion = await runtime.version();
  const hostIP = settings.address ?? host.address;

  // Set while re-syncing after a pause; `onPause` (below) sets it synchronously from any path that looks at the clock.
  let resyncing: Promise<void> | null = null;
  let pauses = 0;
  let onPause: (gapMs: number) => void = () => undefined;
  const detector = new PauseDetector({
    thresholdMs: settings.pauseThresholdMs ?? 3 * settings.heartbeatIntervalMs,
    tickMs: Math.max(50, Math.min(1000, Math.floor(settings.heartbeatIntervalMs / 2))),
    now: () => Date.now(),
    onPause: (gap) => onPause(gap),
  });
  const held = () => {
    detector.check();
    return resyncing !== null;
  };
  const reporter = new StatusReporter({
    publisher,
    clock,
    logger,
    nodeName: settings.nodeName,
    bootId,
    source: `agent/${settings.nodeName}`,
    mayReport: () => !held(),
  });
  const streams = deps.streams ?? (runtime.kind === 'docker' ? new DockerStreams() : undefined);
  const prober = new Prober({
    handlers: { streams },
    onChange: (uid) => manager.kick(uid),
    assumePassing: runtime.kind === 'hollow',
  });
  const podsDir = settings.stateDir ?? path.join(os.tmpdir(), 'podflow-agent', settings.nodeName);
  const manager = new PodManager(
    {
      runtime,
      nodeName: settings.nodeName,
      pauseImage: settings.pauseImage,
      backoff: settings.backoff,
      now: () => clock.now(),
      logger,
      policy: {
        nodeName: settings.nodeName,
        allowPrivileged: settings.allowPrivileged,
        allowHostPath: settings.allowHostPath,
        ...(settings.podSecurity ? { podSecurity: settings.podSecurity } : {}),
        agentVersion: settings.agentVersion ?? AGENT_VERSION,
      },
      reporter,
      hostIP,
      held,
      metrics,
      prober,
      allocatable: { cpu: settings.capacityCpu ?? String(host.cpus), memory: settings.capacityMemory ?? String(host.memoryBytes) },
      ...(deps.configObjects ? { configObjects: deps.configObjects } : {}),
      ...(deps.configObjects ? { pullAuths: pullAuthsFrom(deps.configObjects) } : {}),
      ...(runtime.kind === 'docker' ? { handlers: { streams }, podDir: (uid: string) => path.join(podsDir, 'pods', uid) } : {}),
    },
    { resyncIntervalMs: settings.resyncIntervalMs },
  );

  // Usage for metrics.k8s.io (kubectl top): Docker nodes only; a hollow node runs nothing to measure.
  const sampler = runtime.kind === 'docker' && settings.logPort !== null ? new StatsSampler({ nodeName: settings.nodeName, intervalMs: settings.statsIntervalMs ?? 15_000, onError: (err) => logger.warn({ err: (err as Error).message }, 'usage sampling failed') }) : null;
  sampler?.start();
  let logServer: LogServer | null = null;
  if (settings.logPort !== null) {
    logServer = await startLogServer(
      {
        runtime,
        nodeName: settings.nodeName,
        token: settings.logToken,
        findPod: (ns, name) => manager.findPod(ns, name),
        logger,
        metrics: metrics?.registry,
        ...(sampler ? { stats: () => sampler.summary() } : {}),
        streams: createStreamServer({ runtime, streams, nodeName: settings.nodeName, token: settings.logToken, findPod: (ns, name) => manager.findPod(ns, name), logger }),
      },
      settings.logPort,
    );
  }
  const description = describeNode(settings, host, runtime.kind, runtimeVersion, logServer?.url);

  let state: AgentState = 'INITIALIZED';
  let ready = false;
  let feed: AssignmentFeed | null = null;
  let resolveCaughtUp!: () => void;
  const caughtUp = new Promise<void>((r) => (resolveCaughtUp = r));
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((r) => (resolveReady = r));
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let draining: Promise<void> | null = null;
  /** Pod names and uids the log delivered: where it speaks, the projection does not. */
  const logSeen = { keys: new Set<string>(), uids: new Set<string>() };
  const fillFromProjection = async () => {
    if (!deps.projection) return;
    const records = await deps.projection.list({ nodeName: settings.nodeName });
    const events = assignmentsFromProjection(settings.nodeName, records, logSeen, clock.now());
    for (const event of events) manager.apply(event);
    if (events.length > 0) logger.info({ assignments: events.length }, 'filled in assignments the retained log no longer holds, from the Pods projection');
  };

  const heartbeat = new Heartbeat({
    publisher,
    clock,
    logger,
    intervalMs: settings.heartbeatIntervalMs,
    bootId,
    description: () => (deps.podNetwork ? { ...description, network: deps.podNetwork.status() } : description),
    ready: () => !held() && ready,
    pods: () => manager.podCount,
    onSent: metrics ? (at) => metrics.heartbeatSent(at) : undefined,
  });

  const shutdown = (): Promise<void> => {
    if (draining) return draining;
    if (state === 'INITIALIZED') state = 'STOPPED';
    else if (state === 'RUNNING') state = 'DRAINING';
    draining = (async () => {
      detector.stop();
      heartbeat.stop();
      deps.podNetwork?.stop();
      await feed?.stop().catch((err) => logger.warn({ err: (err as Error).message }, 'stopping the assignment feed failed'));
      await manager.shutdown();
      prober.close();
      await sampler?.stop();
      await logServer?.close();
      await runtime.close();
      if (state !== 'FAILED') state = 'STOPPED';
      logger.info({ state }, 'agent stopped; its containers keep running');
      resolveStopped();
    })();
    return draining;
  };

  /** Not ready and held until the partition is read up to now and every uid this node must not run is gone. */
  const resyncAfterPause = async (gapMs: number, f: AssignmentFeed): Promise<void> => {
    ready = false;
    logger.warn({ gapMs }, 'the agent was frozen: re-syncing its assignments before it acts or reports again');
    try {
      await heartbeat.beat();
      // Frozen again meanwhile: what was read may be behind again, so read and fence once more.
      for (let seen = -1; seen !== pauses && state === 'RUNNING'; ) {
        seen = pauses;
        await f.catchUp();
        await fillFromProjection();
        await manager.fence();
      }
    } catch (err) {
      logger.error({ err: (err as Error).message }, 're-sync after a pause failed; trying again');
      await new Promise((r) => setTimeout(r, 1000));
      resyncing = null;
      if (state === 'RUNNING') resyncing = resyncAfterPause(gapMs, f);
      return;
    }
    resyncing = null;
    if (state !== 'RUNNING') return;
    ready = true;
    reporter.forgetAll();
    manager.kickAll();
    logger.info({ pods: manager.podCount }, 'node ready again after a pause');
    await heartbeat.beat();
  };

  const agent: Agent = {
    nodeName: settings.nodeName,
    bootId,
    get state() {
      return state;
    },
    get ready() {
      return ready;
    },
    description,
    whenReady: () => readyPromise,
    deliver(event) {
      if (event.data.nodeName !== settings.nodeName) return;
      const ref = event.type === 'PodAssigned' ? event.data.pod.metadata : event.data;
      logSeen.keys.add(podKey(ref.namespace, ref.name));
      logSeen.uids.add(ref.uid);
      manager.apply(event);
    },
    caughtUp: () => resolveCaughtUp(),
    shutdown,
    async run() {
      if (state !== 'INITIALIZED') throw new Error(`agent ${settings.nodeName} cannot run from state ${state}`);
      state = 'RUNNING';
      try {
        await heartbeat.beat();
        heartbeat.start();
        if (deps.podNetwork) {
          deps.podNetwork.onChange = () => void heartbeat.beat();
          await deps.podNetwork.start();
        }
        if (deps.kafka) {
          feed = await startAssignmentFeed({
            kafka: deps.kafka,
            groupId: `agent-${settings.nodeName}-${bootId}`,
            partitions: [nodePartition(settings.nodeName)],
            logger,
            onEvent: (key, event) => {
              if (key === settings.nodeName) agent.deliver(event);
            },
            onCaughtUp: () => resolveCaughtUp(),
          });
        }
        await Promise.race([caughtUp, stopped]);
        if (deps.podNetwork && state === 'RUNNING') {
          await Promise.race([deps.podNetwork.programmed(), stopped]);
          if (state === 'RUNNING') await runtime.prepare();
        }
        if (state === 'RUNNING') {
          await fillFromProjection();
          await manager.activate();
          if (state === 'RUNNING') {
            ready = true;
            logger.info({ pods: manager.podCount, endpoint: description.endpoint }, 'node ready');
            resolveReady();
            if (feed) {
              const f = feed;
              onPause = (gap) => {
                pauses++;
                resyncing ??= resyncAfterPause(gap, f);
              };
              detector.start();
            }
            await heartbeat.beat();
          }
        }
      } catch (err) {
        state = 'FAILED';
        logger.error({ err: (err as Error).message }, 'agent failed');
        await shutdown();
        throw err;
      }
      await stopped;
    },
  };
  return agent;
}
