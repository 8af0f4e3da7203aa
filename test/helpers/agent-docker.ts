/** Test helpers for agents on the real Docker engine: start one in-process, clean up by label. */
import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { KafkaPublisher } from '../../shared/adapters/kafka/publisher';
import { mintNodeKey } from '../../shared/auth/node-keys';
import { nodeSigner } from '../../shared/auth/node-signature';
import { suiteParts } from './parts';
import type { Logger } from '../../shared/ports';
import { createAgent, type Agent, type AgentDeps, type AgentSettings } from '../../agent/agent';
import { LABELS } from '../../agent/runtime/labels';
import { DockerRuntime } from '../../agent/runtime/docker';

export const docker = new Docker();

export const quietLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (o, m) => (process.env.AGENT_TEST_LOGS ? console.warn(m, o) : undefined),
  error: (o, m) => console.error(m, o),
  child: () => quietLogger,
};

export function testNodeName(prefix = 'node'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function agentSettings(nodeName: string, over: Partial<AgentSettings> = {}): AgentSettings {
  return {
    nodeName,
    labels: {},
    maxPods: 110,
    allowPrivileged: false,
    allowHostPath: false,
    heartbeatIntervalMs: 1000,
    resyncIntervalMs: 2000,
    backoff: { initialMs: 300, maxMs: 1200, resetMs: 60_000 },
    pauseImage: 'podflow/pause:1',
    logPort: 0,
    logToken: 'test-token',
    ...over,
  };
}

export interface RunningAgent {
  agent: Agent;
  publisher: KafkaPublisher;
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startDockerAgent(kafka: Kafka, settings: AgentSettings, extra: Pick<AgentDeps, 'projection'> = {}): Promise<RunningAgent> {
  // Signed as the node, as the agent process does (shared/auth/node-signature.ts).
  const publisher = KafkaPublisher.fromKafka(kafka, { headers: nodeSigner(settings.nodeName, mintNodeKey(suiteParts().credentialsDir, settings.nodeName)) });
  await publisher.connect();
  const agent = await createAgent({ settings, runtime: new DockerRuntime({ network: 'podflow' }), publisher, logger: quietLogger, kafka, ...extra });
  const done = agent.run();
  await agent.whenReady();
  return {
    agent,
    publisher,
    done,
    stop: async () => {
      await agent.shutdown();
      await done.catch(() => undefined);
      await publisher.disconnect();
    },
  };
}

/** Removes every container and volume labelled for the node (what a test made). */
export async function cleanupNode(nodeName: string): Promise<void> {
  const filters = { label: [`${LABELS.node}=${nodeName}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  await Promise.all(volumes.map((v) => docker.getVolume(v.Name).remove().catch(() => undefined)));
}

export async function nodeContainers(nodeName: string, uid?: string): Promise<Docker.ContainerInfo[]> {
  const label = [`${LABELS.node}=${nodeName}`];
  if (uid) label.push(`${LABELS.uid}=${uid}`);
  return docker.listContainers({ all: true, filters: { label } });
}

export async function nodeVolumes(nodeName: string, uid?: string): Promise<string[]> {
  const label = [`${LABELS.node}=${nodeName}`];
  if (uid) label.push(`${LABELS.uid}=${uid}`);
  return ((await docker.listVolumes({ filters: { label } })).Volumes ?? []).map((v) => v.Name);
}

/** Runs a command in a pod's container (found by label) and returns its output. */
export async function execIn(nodeName: string, uid: string, container: string, cmd: string[]): Promise<{ exitCode: number; output: string }> {
  const list = await docker.listContainers({ filters: { label: [`${LABELS.node}=${nodeName}`, `${LABELS.uid}=${uid}`, `${LABELS.container}=${container}`], status: ['running'] } });
  if (list.length !== 1) throw new Error(`expected one running ${container} of ${uid}, found ${list.length}`);
  const exec = await docker.getContainer(list[0].Id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const raw = Buffer.concat(chunks);
  let output = '';
  for (let i = 0; i + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(i + 4);
    output += raw.subarray(i + 8, i + 8 + size).toString();
    i += 8 + size;
  }
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, output };
}
