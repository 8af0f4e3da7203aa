/**
 * The control plane: one Lambda function per handler of the catalogue, each
 * fed by its MSK topic (node-lifecycle also by an EventBridge schedule), the
 * bucket that keeps batches the event sources gave up on, and the API server
 * behind a load balancer. Grants come from infra/catalogue.ts only.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { API_ACCESS, type HandlerSpec, type TableName } from '../catalogue';
import { ApiService } from '../constructs/api-service';
import { FailedBatches } from '../constructs/failed-batches';
import { HandlerFunction } from '../constructs/handler-function';
import { kafkaClientStatements, type KafkaArns } from '../constructs/kafka-access';
import { tableEnvironment, tableStatements, type TableRef } from '../constructs/table-access';
import { acknowledge, acknowledgeWildcardResource } from '../nag';
import { VPC_CIDR } from './network-stack';

export interface KafkaEndpoint {
  clusterArn: string;
  arns: KafkaArns;
  bootstrapBrokers: string;
  allowClient(client: ec2.ISecurityGroup, description: string): void;
}

export interface ControlPlaneStackProps extends StackProps {
  vpc: ec2.IVpc;
  kafka: KafkaEndpoint;
  tables: Record<TableName, TableRef>;
  handlers: readonly HandlerSpec[];
  sweepMinutes: number;
  apiInstanceType: string;
  apiAccessCidr?: string;
  apiCertificateArn?: string;
}

export class ControlPlaneStack extends Stack {
  readonly handlers: Record<string, HandlerFunction> = {};
  readonly api: ApiService;
  readonly failedBatches: FailedBatches;
  readonly apiToken: secretsmanager.Secret;
  readonly agentToken: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ControlPlaneStackProps) {
    super(scope, id, props);
    this.failedBatches = new FailedBatches(this, 'FailedBatches');

    const functionsSecurityGroup = new ec2.SecurityGroup(this, 'FunctionsSecurityGroup', {
      vpc: props.vpc,
      description: 'podflow handler functions',
      allowAllOutbound: true,
    });
    props.kafka.allowClient(functionsSecurityGroup, 'podflow handler functions');

    for (const spec of props.handlers) {
      this.handlers[spec.name] = new HandlerFunction(this, pascal(spec.name), {
        spec,
        vpc: props.vpc,
        securityGroup: functionsSecurityGroup,
        kafka: props.kafka,
        tables: props.tables,
        onFailure: this.failedBatches.destinationFor(),
        pollerGroupName: `${this.stackName}-pollers`,
        sweepEvery: Duration.minutes(props.sweepMinutes),
      });
    }

    this.apiToken = this.token('ApiToken', 'Bearer token of the podflow API (podctl, kubectl)');
    this.agentToken = this.token('AgentToken', 'Token the podflow API presents to agents to read container logs');

    this.api = new ApiService(this, 'Api', {
      vpc: props.vpc,
      instanceType: props.apiInstanceType,
      allowKafkaClient: (sg, description) => props.kafka.allowClient(sg, description),
      env: {
        KAFKA_BROKERS: props.kafka.bootstrapBrokers,
        KAFKA_SSL: 'true',
        KAFKA_AUTH: 'iam',
        AWS_REGION: this.region,
        LOG_LEVEL: 'info',
        ...tableEnvironment(props.tables, API_ACCESS.tables),
      },
      statements: [
        ...kafkaClientStatements(props.kafka.arns, {
          consumes: API_ACCESS.consumes,
          groupPrefix: API_ACCESS.consumerGroupPrefix,
          publishes: API_ACCESS.publishes,
        }),
        ...tableStatements(props.tables, API_ACCESS.tables),
      ],
      apiToken: this.apiToken,
      agentToken: this.agentToken,
      accessCidr: props.apiAccessCidr,
      vpcCidr: VPC_CIDR,
      certificateArn: props.apiCertificateArn,
    });
    acknowledgeWildcardResource(
      this.api.instances.role,
      props.kafka.arns.groupPrefix(API_ACCESS.consumerGroupPrefix),
      'Each API instance follows pod-changes in its own consumer group api-<uuid>, unknown at deploy time; groups carry offsets, not data.',
    );
  }

  private token(id: string, description: string): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, id, {
      description,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    acknowledge(secret, [
      {
        id: 'AwsSolutions-SMG4',
        reason: 'A static bearer token handed to podctl users and agents; rotating it means redistributing it, done by replacing the secret value.',
      },
    ]);
    return secret;
  }
}

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
