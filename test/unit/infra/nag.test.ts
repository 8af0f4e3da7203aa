import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { synthPodflow } from './synth';

function acknowledgments(app: App): { path: string; id: string; reason: string }[] {
  const found: { path: string; id: string; reason: string }[] = [];
  const visit = (c: IConstruct) => {
    for (const entry of c.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          // CDK acknowledges some of its own CloudFormation lint findings (e.g. on VPC flow logs): not ours.
          if (!id.startsWith('CloudFormation-Validate::')) found.push({ path: c.node.path, id, reason });
        }
      }
    }
    c.node.children.forEach(visit);
  };
  visit(app);
  return found;
}

const variants: [string, Record<string, unknown>][] = [
  ['provisioned MSK, internal API', {}],
  ['MSK Serverless, internet-facing API over HTTPS', {
    'podflow:msk': 'serverless',
    'podflow:apiAccessCidr': '198.51.100.0/24',
    'podflow:apiCertificateArn': 'arn:aws:acm:us-east-1:111122223333:certificate/4c1d2a8e-6f5b-4b1e-8f0a-2d9e3c7b6a15',
  }],
];

describe.each(variants)('cdk-nag AwsSolutions, %s', (_name, context) => {
  let app: App;
  beforeAll(() => {
    app = synthPodflow(context).app;
  });

  it('reports no violation', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const summary = report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(summary).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only the rules the design accepts, each with its own reason', () => {
    const acks = acknowledgments(app);
    expect(acks.length).toBeGreaterThan(0);
    const rules = new Set(acks.map((a) => a.id.replace(/^(AwsSolutions::|Annotation::)/, '').replace(/\[.*$/, '')));
    expect([...rules].sort()).toEqual(
      ['@aws-cdk/aws-autoscaling:desiredCapacitySet', 'AwsSolutions-AS3', 'AwsSolutions-ELB2', 'AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-S1', 'AwsSolutions-SMG4'].sort(),
    );
    for (const a of acks) {
      expect(a.reason.length).toBeGreaterThanOrEqual(40);
    }
  });

  it('never acknowledges a wildcard action, only wildcard resources it names', () => {
    const iam5 = acknowledgments(app).filter((a) => a.id.includes('AwsSolutions-IAM5'));
    for (const a of iam5) expect(a.id).toMatch(/AwsSolutions-IAM5\[Resource::/);
    const resources = [...new Set(iam5.map((a) => a.id.replace(/^.*Resource::/, '').replace(/\]$/, '')))].sort();
    expect(resources).toEqual([
      '<FailedBatchesBucketD51F47E2.Arn>/*',
      '<KafkaTopicProvisionerC46C1115.Arn>:*',
      'arn:<AWS::Partition>:kafka:<AWS::Region>:<AWS::AccountId>:group/podflow-log/*/agent-*',
      'arn:<AWS::Partition>:kafka:<AWS::Region>:<AWS::AccountId>:group/podflow-log/*/api-*',
    ]);
  });
});
