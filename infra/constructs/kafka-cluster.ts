/**
 * The log: an MSK cluster with IAM authentication and TLS only, either
 * Serverless or a small provisioned cluster, chosen by a setting. Its broker
 * list is read at deploy time (GetBootstrapBrokers), and its topics are the
 * ones TOPIC_SPECS names, created by a custom resource inside the VPC.
 *
 * Security groups: the cluster group admits itself (Lambda's MSK pollers run
 * with the cluster's group) and, one rule each, the groups of its clients;
 * each client's rule lives in the client's stack, so stacks depend one way.
 */
import { join } from 'node:path';
import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { TOPIC_SPECS } from '../../shared/events/topics';
import { LAMBDA_RUNTIME, lambdaBundling, PROJECT_ROOT } from '../bundling';
import { acknowledge, acknowledgeWildcardResource, LAMBDA_MANAGED_POLICIES, RUNTIME_PIN } from '../nag';
import { KafkaArns, kafkaClientStatements } from './kafka-access';
import { CONTROL_PLANE_SUBNETS } from '../stacks/network-stack';

/** SASL/IAM over TLS. */
export const MSK_IAM_PORT = 9098;

export interface KafkaClusterProps {
  vpc: ec2.IVpc;
  mode: 'provisioned' | 'serverless';
  clusterName: string;
  kafkaVersion: string;
  brokerInstanceType: string;
}

export class KafkaCluster extends Construct {
  readonly clusterArn: string;
  readonly clusterName: string;
  /** Comma-separated `host:9098` list, resolved at deploy time. */
  readonly bootstrapBrokers: string;
  readonly clusterSecurityGroup: ec2.SecurityGroup;
  readonly arns: KafkaArns;
  /** The topics custom resource; the stacks of the consumers depend on this stack, so topics exist first. */
  readonly topics: CustomResource;

  constructor(scope: Construct, id: string, props: KafkaClusterProps) {
    super(scope, id);
    const subnets = props.vpc.selectSubnets(CONTROL_PLANE_SUBNETS);

    this.clusterSecurityGroup = new ec2.SecurityGroup(this, 'ClusterSecurityGroup', {
      vpc: props.vpc,
      description: 'MSK brokers: IAM/TLS port from podflow clients and from the cluster group itself (Lambda pollers)',
      allowAllOutbound: true,
    });
    this.clusterSecurityGroup.addIngressRule(this.clusterSecurityGroup, ec2.Port.tcp(MSK_IAM_PORT), 'Lambda MSK event pollers (IAM/TLS)');

    this.clusterName = props.clusterName;
    this.clusterArn = props.mode === 'serverless' ? this.serverless(props, subnets.subnetIds) : this.provisioned(props, subnets.subnetIds);
    this.arns = new KafkaArns(this, { clusterArn: this.clusterArn, clusterName: this.clusterName });

    const brokers = new cr.AwsCustomResource(this, 'BootstrapBrokers', {
      onUpdate: {
        service: 'Kafka',
        action: 'getBootstrapBrokers',
        parameters: { ClusterArn: this.clusterArn },
        physicalResourceId: cr.PhysicalResourceId.of(this.clusterArn),
        outputPaths: ['BootstrapBrokerStringSaslIam'],
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [this.clusterArn] }),
      installLatestAwsSdk: false,
    });
    this.bootstrapBrokers = brokers.getResponseField('BootstrapBrokerStringSaslIam');
    // The singleton function behind every AwsCustomResource of the stack (CDK names it after its UUID).
    const sdkCallProvider = Stack.of(this).node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    if (sdkCallProvider) acknowledge(sdkCallProvider, [LAMBDA_MANAGED_POLICIES.basic]);
    this.topics = this.createTopics(props.vpc);
  }

  /** Admits a client group on the IAM/TLS port; the rule is created in the client's stack. */
  allowClient(client: ec2.ISecurityGroup, description: string): void {
    this.clusterSecurityGroup.addIngressRule(client, ec2.Port.tcp(MSK_IAM_PORT), description, true);
  }

  private serverless(props: KafkaClusterProps, subnetIds: string[]): string {
    const cluster = new msk.CfnServerlessCluster(this, 'Serverless', {
      clusterName: props.clusterName,
      clientAuthentication: { sasl: { iam: { enabled: true } } },
      vpcConfigs: [{ subnetIds, securityGroups: [this.clusterSecurityGroup.securityGroupId] }],
    });
    return cluster.attrArn;
  }

  private provisioned(props: KafkaClusterProps, subnetIds: string[]): string {
    const brokerLogs = new logs.LogGroup(this, 'BrokerLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const cluster = new msk.CfnCluster(this, 'Provisioned', {
      clusterName: props.clusterName,
      kafkaVersion: props.kafkaVersion,
      numberOfBrokerNodes: subnetIds.length,
      brokerNodeGroupInfo: {
        clientSubnets: subnetIds,
        instanceType: props.brokerInstanceType,
        securityGroups: [this.clusterSecurityGroup.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: 20 } },
      },
      clientAuthentication: { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } },
      encryptionInfo: { encryptionInTransit: { clientBroker: 'TLS', inCluster: true } },
      loggingInfo: { brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: brokerLogs.logGroupName } } },
    });
    return cluster.attrArn;
  }

  /** One custom resource that makes the cluster's topics match TOPIC_SPECS (create, grow; never delete). */
  private createTopics(vpc: ec2.IVpc): CustomResource {
    const securityGroup = new ec2.SecurityGroup(this, 'TopicProvisionerSecurityGroup', {
      vpc,
      description: 'podflow topic provisioner (Kafka admin client)',
      allowAllOutbound: true,
    });
    this.allowClient(securityGroup, 'topic provisioner');
    const onEvent = new lambdaNodejs.NodejsFunction(this, 'TopicProvisioner', {
      entry: join(PROJECT_ROOT, 'infra/topics/provision-topics.ts'),
      handler: 'onEvent',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: LAMBDA_RUNTIME,
      bundling: lambdaBundling,
      memorySize: 256,
      timeout: Duration.minutes(5),
      vpc,
      vpcSubnets: CONTROL_PLANE_SUBNETS,
      securityGroups: [securityGroup],
      logGroup: new logs.LogGroup(this, 'TopicProvisionerLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
    });
    const topicArns = TOPIC_SPECS.map((t) => this.arns.topic(t.name));
    for (const statement of kafkaClientStatements(this.arns, {})) onEvent.addToRolePolicy(statement);
    onEvent.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'KafkaManageTopics',
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:CreateTopic', 'kafka-cluster:AlterTopic'],
        resources: topicArns,
      }),
    );
    acknowledge(onEvent, [RUNTIME_PIN, LAMBDA_MANAGED_POLICIES.basic, LAMBDA_MANAGED_POLICIES.vpc]);
    const provider = new cr.Provider(this, 'TopicProvider', {
      onEventHandler: onEvent,
      logGroup: new logs.LogGroup(this, 'TopicProviderLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
    });
    acknowledge(provider, [LAMBDA_MANAGED_POLICIES.basic]);
    const frameworkRole = provider.node.tryFindChild('framework-onEvent')?.node.tryFindChild('ServiceRole');
    if (frameworkRole) {
      acknowledgeWildcardResource(frameworkRole, `${onEvent.functionArn}:*`, 'The provider framework invokes any version of the topic provisioner, and only it.');
    }
    const topics = new CustomResource(this, 'Topics', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::PodflowTopics',
      properties: {
        Brokers: this.bootstrapBrokers,
        Topics: TOPIC_SPECS.map((t) => ({ name: t.name, partitions: t.partitions, config: t.config })),
      },
    });
    return topics;
  }
}
