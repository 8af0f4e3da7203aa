import { Match } from 'aws-cdk-lib/assertions';
import { TOPIC_SPECS } from '../../../shared/events/topics';
import { logicalId, resourcesFor, statementsOfRole, synthPodflow, type Synthesized } from './synth';
import { planTopics } from '../../../shared/adapters/kafka/topic-plan';

describe('messaging stack, provisioned MSK (the default)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPodflow();
  });

  it('creates a provisioned cluster with one broker per private subnet, IAM auth only and TLS everywhere', () => {
    const t = s.templates.messaging;
    t.resourceCountIs('AWS::MSK::Cluster', 1);
    t.resourceCountIs('AWS::MSK::ServerlessCluster', 0);
    t.hasResourceProperties('AWS::MSK::Cluster', {
      NumberOfBrokerNodes: 2,
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: { Enabled: true } } },
    });
  });

  it('creates exactly the topics TOPIC_SPECS names, with their partition counts', () => {
    const topics = s.templates.messaging.findResources('Custom::PodflowTopics');
    expect(Object.values(topics)).toHaveLength(1);
    const props = Object.values(topics)[0].Properties;
    expect(props.Topics).toEqual(TOPIC_SPECS.map((t) => ({ name: t.name, partitions: t.partitions, config: t.config })));
  });

  it('lets the topic provisioner create and alter only the named topics', () => {
    const role = s.stacks.messaging.kafka.node.findChild('TopicProvisioner').node.findChild('ServiceRole');
    const statements = statementsOfRole(s.templates.messaging, logicalId(role as never));
    const create = resourcesFor(statements, 'kafka-cluster:CreateTopic');
    expect(create.map((r) => r.split('/').pop()).sort()).toEqual(TOPIC_SPECS.map((t) => t.name).sort());
    expect(create.every((r) => r.includes(':topic/podflow-log/'))).toBe(true);
    expect(resourcesFor(statements, 'kafka-cluster:DeleteTopic')).toEqual([]);
  });

  it('admits the Lambda pollers to the brokers through the cluster group itself, on the IAM port only', () => {
    const sg = logicalId(s.stacks.messaging.kafka.clusterSecurityGroup);
    s.templates.messaging.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [sg, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [sg, 'GroupId'] },
      FromPort: 9098,
      ToPort: 9098,
    });
    const ingress = Object.values(s.templates.messaging.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ingress.every((r) => r.Properties.FromPort === 9098 && r.Properties.ToPort === 9098)).toBe(true);
    expect(JSON.stringify(ingress)).not.toContain('0.0.0.0/0');
  });
});

describe('messaging stack, MSK Serverless', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPodflow({ 'podflow:msk': 'serverless' });
  });

  it('creates a serverless cluster with IAM auth and no provisioned brokers', () => {
    const t = s.templates.messaging;
    t.resourceCountIs('AWS::MSK::ServerlessCluster', 1);
    t.resourceCountIs('AWS::MSK::Cluster', 0);
    t.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      VpcConfigs: [Match.objectLike({ SubnetIds: Match.anyValue() })],
    });
  });

  it('creates the same topics on it', () => {
    const props = Object.values(s.templates.messaging.findResources('Custom::PodflowTopics'))[0].Properties;
    expect(props.Topics.map((t: { name: string }) => t.name)).toEqual(TOPIC_SPECS.map((t) => t.name));
  });
});

describe('topic plan', () => {
  const wanted = [
    { name: 'pod-events', partitions: 8 },
    { name: 'node-assignments', partitions: 32 },
  ];

  it.each([
    ['creates every topic on an empty cluster', new Map<string, number>(), ['pod-events', 'node-assignments'], [], []],
    ['changes nothing when the cluster matches', new Map([['pod-events', 8], ['node-assignments', 32]]), [], [], []],
    ['grows a topic whose spec grew', new Map([['pod-events', 4], ['node-assignments', 32]]), [], ['pod-events'], []],
    ['refuses to shrink a topic', new Map([['pod-events', 8], ['node-assignments', 64]]), [], [], ['node-assignments']],
  ])('%s', (_name, existing, create, grow, conflicts) => {
    const plan = planTopics(wanted, existing);
    expect(plan.create.map((t) => t.name)).toEqual(create);
    expect(plan.grow.map((t) => t.name)).toEqual(grow);
    expect(plan.conflicts.map((c) => c.split(' ')[0])).toEqual(conflicts);
  });
});
