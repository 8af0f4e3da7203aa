import { Match } from 'aws-cdk-lib/assertions';
import { TABLES } from '../../../shared/adapters/dynamodb/tables';
import { synthPodflow, type Synthesized } from './synth';

describe('network stack', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPodflow({ 'podflow:natGateways': 2 });
  });

  it('spans two zones with public, control-plane and node subnets and as many NAT gateways as set', () => {
    const t = s.templates.network;
    t.resourceCountIs('AWS::EC2::VPC', 1);
    t.resourceCountIs('AWS::EC2::Subnet', 6);
    t.resourceCountIs('AWS::EC2::NatGateway', 2);
    t.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true }, 2);
  });

  it('reaches DynamoDB and S3 through gateway endpoints and records flow logs', () => {
    const t = s.templates.network;
    const endpoints = Object.values(t.findResources('AWS::EC2::VPCEndpoint')).map((e) => JSON.stringify(e.Properties.ServiceName));
    expect(endpoints.some((n) => n.includes('.dynamodb'))).toBe(true);
    expect(endpoints.some((n) => n.includes('.s3'))).toBe(true);
    t.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', ResourceType: 'VPC' });
  });
});

describe('state stack', () => {
  let protectedState: Synthesized;
  let disposable: Synthesized;
  beforeAll(() => {
    protectedState = synthPodflow();
    disposable = synthPodflow({ 'podflow:deletionProtection': false });
  });

  it('creates one table per definition with the same keys and indexes the local store uses', () => {
    const t = protectedState.templates.state;
    t.resourceCountIs('AWS::DynamoDB::Table', Object.keys(TABLES).length);
    for (const def of Object.values(TABLES)) {
      t.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: def.partitionKey, KeyType: 'HASH' },
          ...(def.sortKey ? [{ AttributeName: def.sortKey, KeyType: 'RANGE' }] : []),
        ],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: def.indexes.length ? def.indexes.map((i) => Match.objectLike({ IndexName: i.name })) : Match.absent(),
      });
    }
  });

  it('keeps point-in-time recovery on every table and TTL where a definition has one', () => {
    const tables = Object.values(protectedState.templates.state.findResources('AWS::DynamoDB::Table'));
    for (const table of tables) {
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
    const ttl = tables.map((t) => t.Properties.TimeToLiveSpecification).filter(Boolean);
    const expected = Object.values(TABLES).filter((d) => d.ttlAttribute).map((d) => ({ AttributeName: d.ttlAttribute, Enabled: true }));
    expect(ttl).toEqual(expected);
  });

  it('protects and retains tables by default', () => {
    for (const table of Object.values(protectedState.templates.state.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      expect(table.DeletionPolicy).toBe('Retain');
    }
  });

  it('lets a disposable deployment drop its tables with the stack', () => {
    for (const table of Object.values(disposable.templates.state.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
      expect(table.DeletionPolicy).toBe('Delete');
    }
  });
});
