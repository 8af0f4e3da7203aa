/**
 * Deployment settings, read once from CDK context (cdk.json or `-c key=value`)
 * through zod, so a typo fails synth with a message instead of deploying a
 * default. Stacks receive these as props; nothing else reads context.
 */
import { z } from 'zod';
import type { Construct } from 'constructs';

const bool = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const settingsSchema = z.object({
  /** Prefix of every stack name, so two deployments can share an account. */
  'podflow:stackPrefix': z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('Podflow'),
  /** MSK Serverless (pay per cluster-hour and partition) or a small provisioned cluster. */
  'podflow:msk': z.enum(['provisioned', 'serverless']).default('provisioned'),
  'podflow:kafkaVersion': z.string().default('4.1.x'),
  'podflow:brokerInstanceType': z.string().default('kafka.t3.small'),
  /** Tables refuse deletion and are retained when the stack goes away. */
  'podflow:deletionProtection': bool.default(true),
  'podflow:natGateways': int(1, 3).default(1),
  'podflow:agentInstanceType': z.string().default('t3.medium'),
  'podflow:agentNodes': int(0, 100).default(2),
  'podflow:agentMaxNodes': int(1, 500).default(10),
  'podflow:apiInstanceType': z.string().default('t3.small'),
  /** When set, the API load balancer faces the internet, reachable from this CIDR only; otherwise it is internal. */
  'podflow:apiAccessCidr': z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/).optional(),
  /** An ACM certificate for an HTTPS listener; without it the listener is plain HTTP. */
  'podflow:apiCertificateArn': z.string().startsWith('arn:').optional(),
  /** Minutes between node-lifecycle sweeps (EventBridge rates are whole minutes). */
  'podflow:sweepMinutes': int(1, 60).default(1),
});

export interface DeploymentSettings {
  stackPrefix: string;
  msk: 'provisioned' | 'serverless';
  kafkaVersion: string;
  brokerInstanceType: string;
  deletionProtection: boolean;
  natGateways: number;
  agentInstanceType: string;
  agentNodes: number;
  agentMaxNodes: number;
  apiInstanceType: string;
  apiAccessCidr?: string;
  apiCertificateArn?: string;
  sweepMinutes: number;
}

export function readSettings(scope: Construct): DeploymentSettings {
  const raw = Object.fromEntries(Object.keys(settingsSchema.shape).map((k) => [k, scope.node.tryGetContext(k)]));
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ');
    throw new Error(`invalid podflow context: ${issues}`);
  }
  const s = parsed.data;
  if (s['podflow:agentNodes'] > s['podflow:agentMaxNodes']) {
    throw new Error('invalid podflow context: podflow:agentNodes exceeds podflow:agentMaxNodes');
  }
  return {
    stackPrefix: s['podflow:stackPrefix'],
    msk: s['podflow:msk'],
    kafkaVersion: s['podflow:kafkaVersion'],
    brokerInstanceType: s['podflow:brokerInstanceType'],
    deletionProtection: s['podflow:deletionProtection'],
    natGateways: s['podflow:natGateways'],
    agentInstanceType: s['podflow:agentInstanceType'],
    agentNodes: s['podflow:agentNodes'],
    agentMaxNodes: s['podflow:agentMaxNodes'],
    apiInstanceType: s['podflow:apiInstanceType'],
    apiAccessCidr: s['podflow:apiAccessCidr'],
    apiCertificateArn: s['podflow:apiCertificateArn'],
    sweepMinutes: s['podflow:sweepMinutes'],
  };
}
