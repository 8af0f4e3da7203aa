/** Topic node-heartbeats (key nodeName): registration and liveness in one event. */
import { z } from 'zod';
import { resourceList } from '../pod/schema';
import { eventSchema } from './envelope';

export const nodeDescription = z.strictObject({
  name: z.string().min(1).max(253),
  labels: z.record(z.string(), z.string()),
  capacity: resourceList,
  allocatable: resourceList,
  allowPrivileged: z.boolean(),
  allowHostPath: z.boolean().default(false),
  agentVersion: z.string(),
  runtime: z.enum(['docker', 'hollow']),
  addresses: z.array(z.strictObject({ type: z.string(), address: z.string() })),
  /** Where the API reaches the agent for logs, exec and metrics (with that node's own token): an http(s) origin, nothing else. */
  endpoint: z
    .string()
    .refine((v) => {
      try {
        const url = new URL(v);
        return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password && (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash;
      } catch {
        return false;
      }
    }, 'must be an http(s) origin (scheme, host and port only)')
    .optional(),
  /**
   * The pod network this agent manages (agent/network/): absent when the node's
   * engine network is not the agent's to program (one engine shared by several
   * nodes), so no pod range is assigned to it.
   */
  network: z
    .strictObject({
      /** The range the agent built its pod bridge with: a node that comes back asks for it again. */
      podCIDR: z.string().max(18).optional(),
      /** True once the bridge, routes, tunnel entries and firewall rules are programmed (NetworkUnavailable=False). */
      ready: z.boolean(),
      reason: z.string().max(64).optional(),
      message: z.string().max(1024).optional(),
    })
    .optional(),
  osImage: z.string().optional(),
  kernelVersion: z.string().optional(),
  containerRuntimeVersion: z.string().optional(),
});
export type NodeDescription = z.infer<typeof nodeDescription>;

export const nodeHeartbeat = eventSchema(
  'NodeHeartbeat',
  z.strictObject({
    node: nodeDescription,
    /** New every agent start: a changed bootId tells that the agent restarted. */
    bootId: z.string().min(1),
    /** False while a returning agent is still fencing stale pods. */
    ready: z.boolean(),
    pods: z.number().int().min(0),
  }),
);

export const nodeHeartbeatEvent = z.discriminatedUnion('type', [nodeHeartbeat]);
export type NodeHeartbeat = z.infer<typeof nodeHeartbeat>;
export type NodeHeartbeatEvent = z.infer<typeof nodeHeartbeatEvent>;
