/** Builds the agent's pod network loop from its configuration (POD_NETWORK=vxlan). */
import Docker from 'dockerode';
import { DynamoNodeStore, makeDynamoClient } from '../../shared/adapters/dynamodb';
import { parseCidr } from '../../shared/network/cidr';
import type { Logger } from '../../shared/ports';
import type { AgentEnv } from '../config';
import { hostFacts } from '../node/identity';
import { hostExec } from './host-commands';
import { HostNetwork } from './host-network';
import { PodNetwork } from './pod-network';

export function makePodNetwork(env: AgentEnv, logger: Logger): PodNetwork {
  if (!env.NODES_TABLE) throw new Error('POD_NETWORK=vxlan needs NODES_TABLE: the node reads its pod range and the other nodes from it');
  if (env.RUNTIME !== 'docker') throw new Error('POD_NETWORK=vxlan needs RUNTIME=docker');
  parseCidr(env.CLUSTER_CIDR);
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
  });
}
