/** Builds the agent's pod network loop (POD_NETWORK=vxlan) and its pod dialer (HOST_NETNS) from its configuration. */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { DynamoNodeStore, makeDynamoClient } from '../../shared/adapters/dynamodb';
import { parseCidr } from '../../shared/network/cidr';
import { parseBlockedCidrs } from '../../shared/network/isolation-plan';
import type { Logger } from '../../shared/ports';
import type { AgentEnv } from '../config';
import { hostFacts } from '../node/identity';
import { hostExec } from './host-commands';
import { HostNetwork } from './host-network';
import { startNetnsDialer } from './netns-dialer';
import { usePodDialer } from './pod-dial';
import { PodNetwork } from './pod-network';

export function makePodNetwork(env: AgentEnv, logger: Logger): PodNetwork {
  if (!env.NODES_TABLE) throw new Error('POD_NETWORK=vxlan needs NODES_TABLE: the node reads its pod range and the other nodes from it');
  if (env.RUNTIME !== 'docker') throw new Error('POD_NETWORK=vxlan needs RUNTIME=docker');
  parseCidr(env.CLUSTER_CIDR);
  const blockedCidrs = parseBlockedCidrs(env.BLOCKED_CIDRS, env.CLUSTER_CIDR);
  const host = new HostNetwork(hostExec(env.HOST_NETNS || undefined), new Docker(), {
    dockerNetwork: env.DOCKER_NETWORK,
    bridgeName: 'podflow0',
    vxlanDevice: 'podflow.vxlan',
    vni: env.VXLAN_VNI,
    vxlanPort: env.VXLAN_PORT,
    mtu: env.POD_MTU,
    clusterCidr: env.CLUSTER_CIDR,
  });
  return new PodNetwork({
    nodeName: env.NODE_NAME,
    address: env.NODE_IP ?? hostFacts().address,
    nodes: new DynamoNodeStore(makeDynamoClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION }), env.NODES_TABLE),
    host,
    logger,
    intervalMs: env.RESYNC_INTERVAL_MS,
    isolation: { clusterCidr: env.CLUSTER_CIDR, blockedCidrs, agentPort: env.AGENT_PORT },
  });
}

/** Pods of a host namespace the agent does not live in are dialed from inside it (HOST_NETNS). */
export async function useHostNetnsDialer(env: AgentEnv): Promise<void> {
  const dir = env.STATE_DIR || path.join(os.tmpdir(), 'podflow-agent', env.NODE_NAME);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const dialer = await startNetnsDialer(env.HOST_NETNS, path.join(dir, 'pod-dialer.sock'));
  usePodDialer(dialer.dial);
}
