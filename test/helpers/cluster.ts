/**
 * The whole local cluster as real processes (handlers, API, Docker agents) on
 * the suite's broker and store, for end-to-end and failover tests, with short
 * timings and a throw-away state directory; plus small readers of Docker and
 * the API. `ownParts` starts a broker and a store of the cluster's own instead
 * (tests that restart or wipe them).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { startCluster, type AgentSpec, type LocalCluster } from '../../shared/local/cluster';
import { unmountPodDir } from '../../agent/sync/pod-files';
import { freePort } from '../../shared/local/java-process';
import { requester, type Requester } from './http';
import { startTestParts } from './parts';

export interface TestCluster extends LocalCluster {
  stateDir: string;
  request: Requester;
  destroy(): Promise<void>;
}

export const docker = new Docker();

export async function startTestCluster(o: { agents: AgentSpec[]; env?: Record<string, string>; tls?: boolean; stateDir?: string; ownParts?: boolean; separateHosts?: boolean }): Promise<TestCluster> {
  const stateDir = o.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'podflow-test-'));
  const parts = o.ownParts ? null : await startTestParts({ tables: false });
  const cluster = await startCluster({
    stateDir,
    // Ports the OS hands out as free, not random picks: a random port in the ephemeral range can be the local end
    // of one of the suite's own connections, and then the API never listens.
    apiPort: await freePort(),
    apiTlsPort: o.tls ? await freePort() : 0,
    agents: o.agents,
    ...(o.separateHosts ? { separateHosts: true } : {}),
    logs: path.join(stateDir, 'logs'),
    env: { LOG_LEVEL: 'warn', ...(parts?.env ?? {}), ...(o.env ?? {}) },
    storeInMemory: false,
  });
  const request = requester(() => cluster.apiUrl, cluster.token);
  return {
    ...cluster,
    stateDir,
    request,
    destroy: async () => {
      await cluster.stop();
      await parts?.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** A node name no other test run uses, so Docker leftovers never mix. */
export function uniqueNodeName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Running app containers (not sandboxes) a node's agent owns, by pod uid (on the machine's engine, or a separate host's). */
export async function runningAppContainers(node: string, engine: Docker = docker): Promise<{ uid: string; name: string; container: string }[]> {
  const list = await engine.listContainers({ filters: { label: [`podflow.node=${node}`, 'podflow.role=app'], status: ['running'] } });
  return list.map((c) => ({ uid: c.Labels['podflow.pod.uid'], name: c.Labels['podflow.pod.name'], container: c.Labels['podflow.container.name'] }));
}

/** Removes every container and volume a node's agent left behind, and its pods' files (Secret volumes are tmpfs mounts). */
export async function cleanupNode(node: string): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [`podflow.node=${node}`] } });
  await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  const { Volumes } = await docker.listVolumes({ filters: { label: [`podflow.node=${node}`] } });
  await Promise.all((Volumes ?? []).map((v) => docker.getVolume(v.Name).remove({ force: true }).catch(() => undefined)));
  const podsDir = path.join(os.tmpdir(), 'podflow-agent', node);
  await unmountPodDir(podsDir).catch(() => undefined);
  rmSync(podsDir, { recursive: true, force: true });
}
