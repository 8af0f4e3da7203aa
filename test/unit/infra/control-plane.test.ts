import { Match } from 'aws-cdk-lib/assertions';
import { consumerGroupOf, HANDLERS } from '../../../infra/catalogue';
import { presentHandlers } from '../../../infra/podflow-app';
import { TABLES } from '../../../shared/adapters/dynamodb/tables';
import { TOPIC_SPECS } from '../../../shared/events/topics';
import { logicalId, resourcesFor, statementsOfRole, synthPodflow, type Statement, type Synthesized } from './synth';

const { present, missing } = presentHandlers(HANDLERS);
const topicOf = (arn: string) => arn.split('/').pop();
const topicNames = new Set<string>(TOPIC_SPECS.map((t) => t.name));

describe('control-plane stack', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPodflow();
  });

  const roleStatements = (name: string): Statement[] => {
    const fn = s.stacks.controlPlane.handlers[name].fn;
    return statementsOfRole(s.templates.controlPlane, logicalId(fn.role as never));
  };
  /** Which table (by logical name) a rendered ARN points into; tables live in the state stack. */
  const tableOf = (arn: string): string | undefined =>
    Object.keys(TABLES).find((logical) => arn.includes(logicalId(s.stacks.state.tables[logical as keyof typeof TABLES].table)));

  it('deploys one Lambda function per handler in the tree, on Node.js 24, inside the VPC', () => {
    const functions = s.templates.controlPlane.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(present.length);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.VpcConfig.SubnetIds).toBeDefined();
      expect(fn.Properties.Environment.Variables).toMatchObject({ KAFKA_SSL: 'true', KAFKA_AUTH: 'iam' });
    }
  });

  (missing.length ? it.skip : it)(`deploys every handler of the catalogue${missing.length ? ` (missing in the tree: ${missing.map((h) => h.name).join(', ')})` : ''}`, () => {
    expect(present.map((h) => h.name)).toEqual(HANDLERS.map((h) => h.name));
  });

  const mappings = present.flatMap((h) => h.consumes.map((topic) => [h.name, topic, h] as const));

  it.each(mappings)('feeds %s from %s with bounded retries, bisecting, partial failures and an on-failure bucket', (_name, topic, spec) => {
    const fn = logicalId(s.stacks.controlPlane.handlers[spec.name].fn);
    const bucket = logicalId(s.stacks.controlPlane.failedBatches.bucket);
    s.templates.controlPlane.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fn },
      Topics: [topic],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: consumerGroupOf(spec, topic) },
      BatchSize: 100,
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 6 * 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [bucket, 'Arn'] } } },
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 4, PollerGroupName: 'Podflow-ControlPlane-pollers' },
    });
  });

  it('gives every event source mapping its own consumer group and none of them unbounded retries', () => {
    const found = Object.values(s.templates.controlPlane.findResources('AWS::Lambda::EventSourceMapping'));
    expect(found).toHaveLength(mappings.length);
    const groups = found.map((m) => m.Properties.AmazonManagedKafkaEventSourceConfig.ConsumerGroupId);
    expect(new Set(groups).size).toBe(groups.length);
    for (const m of found) {
      expect(m.Properties.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
      expect(m.Properties.MaximumRecordAgeInSeconds).toBeGreaterThan(0);
    }
  });

  it.each(present.map((h) => [h.name, h] as const))('lets %s read only its topics and groups, and write only the topics it publishes', (name, spec) => {
    const statements = roleStatements(name);
    expect(resourcesFor(statements, 'kafka-cluster:ReadData').map(topicOf).sort()).toEqual([...spec.consumes].sort());
    expect(resourcesFor(statements, 'kafka-cluster:WriteData').map(topicOf).sort()).toEqual([...spec.publishes].sort());
    expect(resourcesFor(statements, 'kafka-cluster:AlterGroup').map(topicOf).sort()).toEqual(spec.consumes.map((t) => consumerGroupOf(spec, t)).sort());
    for (const arn of [...resourcesFor(statements, 'kafka-cluster:ReadData'), ...resourcesFor(statements, 'kafka-cluster:WriteData')]) {
      expect(arn).toMatch(/:topic\/podflow-log\//);
      expect(topicNames.has(topicOf(arn)!)).toBe(true);
    }
  });

  it.each(present.map((h) => [h.name, h] as const))('lets %s touch only its tables, writing only where the catalogue says so', (name, spec) => {
    const statements = roleStatements(name);
    const readable = resourcesFor(statements, 'dynamodb:GetItem').map(tableOf);
    const writable = resourcesFor(statements, 'dynamodb:PutItem').map(tableOf);
    expect(readable.sort()).toEqual(Object.keys(spec.tables).sort());
    expect(writable.sort()).toEqual(Object.entries(spec.tables).filter(([, level]) => level === 'write').map(([t]) => t).sort());
    const indexes = resourcesFor(statements, 'dynamodb:Query').filter((arn) => arn.includes('/index/'));
    for (const arn of indexes) expect(arn).toMatch(/\/index\/[A-Za-z]+$/);
  });

  it('names every resource it grants data actions on: no `*` action, no `*` resource on tables or topics', () => {
    for (const spec of present) {
      for (const statement of roleStatements(spec.name)) {
        expect(statement.Action.filter((a) => a.includes('*'))).toEqual([]);
        if (statement.Action.some((a) => a.startsWith('dynamodb:') || a.startsWith('kafka-cluster:'))) {
          for (const r of statement.Resource) expect(r).not.toMatch(/(^\*$|\/\*$|\*\/)/);
        }
      }
    }
  });

  it('lets functions add failed batches to the bucket but never read or delete them', () => {
    for (const spec of present) {
      const statements = roleStatements(spec.name);
      const s3Actions = statements.flatMap((st) => st.Action).filter((a) => a.startsWith('s3:'));
      expect(s3Actions.sort()).toEqual(['s3:ListBucket', 's3:PutObject']);
    }
    const bucket = Object.values(s.templates.controlPlane.findResources('AWS::S3::Bucket'))[0];
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    s.templates.controlPlane.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  const sweepers = present.filter((h) => h.sweeps).map((h) => [h.name] as const);

  it('schedules a sweep exactly for the handlers that have one', () => {
    const rules = Object.values(s.templates.controlPlane.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(sweepers.length);
    expect(sweepers.map(([name]) => name)).toContain('node-lifecycle');
  });

  it.each(sweepers)('runs the %s sweep every minute on an EventBridge schedule, without retrying stale ticks', (name) => {
    const fn = logicalId(s.stacks.controlPlane.handlers[name].fn);
    s.templates.controlPlane.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } })],
    });
    s.templates.controlPlane.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
    });
  });

  it('follows the sweep interval setting', () => {
    const slower = synthPodflow({ 'podflow:sweepMinutes': 5 });
    slower.templates.controlPlane.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
  });
});
