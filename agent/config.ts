/**
 * The agent's configuration, parsed from an environment map through zod (only
 * main.ts passes process.env). Defaults are Kubernetes' (heartbeat 10 s,
 * back-off 10 s doubling to 300 s, reset after 10 min, 110 pods).
 */
import { z } from 'zod';
import { isValidQuantity, toBytes } from '../shared/kube/quantity';
import type { NodeContainerDefaults } from './runtime/node-defaults';
import { dns1123Subdomain } from '../shared/pod/schema';
import type { AgentSettings } from './agent';
import { parseLabels } from './node/identity';
import { admissionSettings, parseNamespaceLevels } from '../shared/pod/admission';

const bool = z.enum(['true', 'false', '1', '0', '']).default('false').transform((v) => v === 'true' || v === '1');
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const optionalQuantity = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine((v) => v === undefined || isValidQuantity(v), { message: 'must be a Kubernetes quantity (e.g. 4, 500m, 8Gi)' });

/** A text setting read by a parser that throws; its message becomes the configuration error. */
const parsedWith = <T>(parse: (text: string) => T) =>
  z
    .string()
    .default('')
    .transform((s, ctx) => {
      try {
        return parse(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

export const agentEnvSchema = z.object({
  NODE_NAME: dns1123Subdomain,
  KAFKA_BROKERS: z
    .string()
    .min(1, 'KAFKA_BROKERS is required (host:port,...)')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  /** Amazon MSK in the cloud: TLS, and IAM authentication signed with the node role (see docs/deploy-aws.md). */
  KAFKA_SSL: z.enum(['true', 'false']).default('false'),
  /** 'scram': the node's own principal `node-<NODE_NAME>` and signing key from KAFKA_CREDENTIALS_DIR (shared/auth/). */
  KAFKA_AUTH: z.enum(['', 'iam', 'scram']).default(''),
  KAFKA_CREDENTIALS_DIR: z.string().optional(),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/).default(''),
  AWS_REGION: z.string().default('us-east-1'),
  /** The Pods table (read through its byNode index at start): recovery does not depend on expired assignments. */
  PODS_TABLE: z.string().default(''),
  /** The ConfigObjects table: the ConfigMaps and Secrets this node's pods name are read from it. */
  CONFIG_OBJECTS_TABLE: z.string().default(''),
  /** How long a read ConfigMap or Secret is used before it is read again (changes reach running pods within this plus a resync). */
  CONFIG_CACHE_TTL_MS: int(2_000, 0),
  DYNAMODB_ENDPOINT: z.string().optional(),
  RUNTIME: z.enum(['docker', 'hollow']).default('docker'),
  AGENT_PORT: int(10250),
  AGENT_TOKEN: z.string().default(''),
  /** 'cluster': AGENT_TOKEN is the cluster's agent token, and this node accepts only its own token derived from it (shared/auth/agent-token.ts); the launcher passes the node token itself. */
  AGENT_TOKEN_KIND: z.enum(['node', 'cluster']).default('node'),
  ALLOW_PRIVILEGED: bool,
  ALLOW_HOST_PATH: bool,
  /** The cluster's Pod Security levels (shared/pod/admission.ts), checked again before this node runs anything. */
  POD_SECURITY_LEVELS: parsedWith(parseNamespaceLevels),
  POD_SECURITY_DEFAULT_LEVEL: admissionSettings.shape.POD_SECURITY_DEFAULT_LEVEL,
  CAPACITY_CPU: optionalQuantity,
  CAPACITY_MEMORY: optionalQuantity,
  MAX_PODS: int(110, 1),
  NODE_LABELS: parsedWith(parseLabels),
  NODE_IP: z.string().optional(),
  HEARTBEAT_INTERVAL_MS: int(10_000, 100),
  RESYNC_INTERVAL_MS: int(10_000, 100),
  /** Frozen longer than this (wall-clock gap) → re-sync before acting; empty = 3 × HEARTBEAT_INTERVAL_MS. */
  PAUSE_THRESHOLD_MS: z.coerce.number().int().min(100).optional().or(z.literal('').transform(() => undefined)),
  BACKOFF_INITIAL_MS: int(10_000, 1),
  BACKOFF_MAX_MS: int(300_000, 1),
  BACKOFF_RESET_MS: int(600_000, 1),
  DOCKER_NETWORK: z.string().min(1).default('podflow'),
  /** 'vxlan': this agent builds its pod bridge on the range the control plane assigns and joins the VXLAN overlay (agent/network/); 'none': the engine's network is not the agent's to program (one engine shared by several nodes). */
  POD_NETWORK: z.enum(['none', 'vxlan']).default('none'),
  /** The Nodes table: this node's pod range and the other nodes' ranges and addresses (POD_NETWORK=vxlan). */
  NODES_TABLE: z.string().default(''),
  /** The network namespace (a path such as /run/netns/NAME) that is this node's host, when it is not the agent's own (the local multi-host launcher). */
  HOST_NETNS: z.string().default(''),
  CLUSTER_CIDR: z.string().default('10.244.0.0/16'),
  /** Ranges pods may not open connections to (comma-separated CIDRs: the control plane's subnets), besides the metadata service and the agent's port, which are always closed to them (POD_NETWORK=vxlan; shared/network/isolation-plan.ts). */
  BLOCKED_CIDRS: z.string().default(''),
  VXLAN_PORT: int(8472, 1),
  VXLAN_VNI: int(1, 1),
  /** The pod bridge's and the tunnel's MTU: the underlay's (1500 locally; 9001 in a VPC allows more) minus 50 for VXLAN. */
  POD_MTU: int(1450, 576),
  /** Usage sampling period for metrics.k8s.io (kubectl top). */
  STATS_INTERVAL_MS: int(15_000, 500),
  /** Per-pod files of this node (termination messages); empty = a directory under the OS temp dir. */
  STATE_DIR: z.string().default(''),
  PAUSE_IMAGE: z.string().min(1).default('podflow/pause:1'),
  /** Node defaults for pod containers (agent/runtime/node-defaults.ts): pids per container (0: none), memory for a container without a limit ('' : none), json-file rotation. */
  CONTAINER_PIDS_LIMIT: int(1024),
  CONTAINER_DEFAULT_MEMORY: z.string().default('1Gi').refine((v) => v === '' || isValidQuantity(v), { message: "must be a Kubernetes quantity (e.g. 1Gi) or '' for none" }),
  CONTAINER_LOG_MAX_SIZE: z.string().default('10Mi').refine((v) => isValidQuantity(v), { message: 'must be a Kubernetes quantity (e.g. 10Mi)' }),
  CONTAINER_LOG_MAX_FILES: int(5, 1),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
});
export type AgentEnv = z.infer<typeof agentEnvSchema>;

export function parseAgentEnv(env: Record<string, string | undefined>): AgentEnv {
  const result = agentEnvSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new Error(`invalid agent configuration:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}

export function settingsFromEnv(env: AgentEnv, logToken: string): AgentSettings {
  return {
    nodeName: env.NODE_NAME,
    labels: env.NODE_LABELS,
    capacityCpu: env.CAPACITY_CPU,
    capacityMemory: env.CAPACITY_MEMORY,
    maxPods: env.MAX_PODS,
    allowPrivileged: env.ALLOW_PRIVILEGED,
    allowHostPath: env.ALLOW_HOST_PATH,
    podSecurity: { namespaceLevels: env.POD_SECURITY_LEVELS, defaultLevel: env.POD_SECURITY_DEFAULT_LEVEL },
    address: env.NODE_IP,
    heartbeatIntervalMs: env.HEARTBEAT_INTERVAL_MS,
    resyncIntervalMs: env.RESYNC_INTERVAL_MS,
    ...(env.PAUSE_THRESHOLD_MS !== undefined ? { pauseThresholdMs: env.PAUSE_THRESHOLD_MS } : {}),
    backoff: { initialMs: env.BACKOFF_INITIAL_MS, maxMs: env.BACKOFF_MAX_MS, resetMs: env.BACKOFF_RESET_MS },
    pauseImage: env.PAUSE_IMAGE,
    logPort: env.AGENT_PORT,
    logToken,
    ...(env.STATE_DIR ? { stateDir: env.STATE_DIR } : {}),
    statsIntervalMs: env.STATS_INTERVAL_MS,
  };
}

/** The container defaults the Docker runtime applies (agent/runtime/node-defaults.ts). */
export function containerDefaultsFromEnv(env: AgentEnv): NodeContainerDefaults {
  return {
    pidsLimit: env.CONTAINER_PIDS_LIMIT,
    memoryBytes: env.CONTAINER_DEFAULT_MEMORY ? toBytes(env.CONTAINER_DEFAULT_MEMORY) : 0,
    logMaxSizeBytes: toBytes(env.CONTAINER_LOG_MAX_SIZE),
    logMaxFiles: env.CONTAINER_LOG_MAX_FILES,
  };
}
