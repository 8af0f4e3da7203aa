/**
 * One podflow handler as a Lambda function: its `functions/<name>/lambda.ts`
 * bundled with esbuild, inside the VPC, with an MSK event source on each topic
 * it consumes and grants on exactly its topics, consumer groups and tables.
 *
 * Retries are bounded twice over: the batch runner dead-letters poison
 * records itself and retries retryable errors a few times in place; records
 * it still reports failed are retried by the event source mapping (bisecting
 * the batch) a bounded number of times within a bounded age, then written to
 * the on-failure destination so the partition moves on.
 */
import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { consumerGroupOf, type HandlerSpec, type TableName } from '../catalogue';
import { LAMBDA_RUNTIME, lambdaBundling, PROJECT_ROOT } from '../bundling';
import { kafkaClientStatements, type KafkaArns } from './kafka-access';
import { tableEnvironment, tableStatements, type TableRef } from './table-access';
import { acknowledge, LAMBDA_MANAGED_POLICIES, RUNTIME_PIN } from '../nag';
import { CONTROL_PLANE_SUBNETS } from '../stacks/network-stack';

/** The event source mapping settings every handler shares. */
export const EVENT_SOURCE_SETTINGS = {
  batchSize: 100,
  startingPosition: lambda.StartingPosition.TRIM_HORIZON,
  bisectBatchOnError: true,
  retryAttempts: 10,
  maxRecordAge: Duration.hours(6),
  reportBatchItemFailures: true,
  /** Error handling on Kafka sources needs provisioned pollers; one shared group keeps that at one poller at rest. */
  minimumPollers: 1,
  maximumPollers: 4,
} as const;

export interface HandlerFunctionProps {
  spec: HandlerSpec;
  vpc: ec2.IVpc;
  securityGroup: ec2.ISecurityGroup;
  kafka: { clusterArn: string; arns: KafkaArns; bootstrapBrokers: string };
  tables: Record<TableName, TableRef>;
  onFailure: lambda.IEventSourceDlq;
  pollerGroupName: string;
  /** Schedule of `sweep()` for handlers that have one. */
  sweepEvery?: Duration;
}

export class HandlerFunction extends Construct {
  readonly fn: lambdaNodejs.NodejsFunction;
  readonly eventSources: sources.ManagedKafkaEventSource[];
  readonly schedule?: events.Rule;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.fn = new lambdaNodejs.NodejsFunction(this, 'Function', {
      description: `podflow ${spec.name}: consumes ${spec.consumes.join(', ')}`,
      entry: join(PROJECT_ROOT, 'functions', spec.name, 'lambda.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      bundling: lambdaBundling,
      memorySize: 512,
      timeout: Duration.minutes(2),
      vpc: props.vpc,
      vpcSubnets: CONTROL_PLANE_SUBNETS,
      securityGroups: [props.securityGroup],
      // Schedule ticks are asynchronous invocations; a failed sweep heals on the next tick.
      retryAttempts: spec.sweeps ? 0 : undefined,
      logGroup: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
      environment: {
        KAFKA_BROKERS: props.kafka.bootstrapBrokers,
        KAFKA_SSL: 'true',
        KAFKA_AUTH: 'iam',
        LOG_LEVEL: 'info',
        NODE_OPTIONS: '--enable-source-maps',
        ...tableEnvironment(props.tables, spec.tables),
      },
    });

    const statements = [
      ...kafkaClientStatements(props.kafka.arns, {
        consumes: spec.consumes,
        groups: spec.consumes.map((topic) => consumerGroupOf(spec, topic)),
        publishes: spec.publishes,
        eventSource: true,
      }),
      ...tableStatements(props.tables, spec.tables),
    ];
    for (const statement of statements) this.fn.addToRolePolicy(statement);

    this.eventSources = spec.consumes.map((topic) => new sources.ManagedKafkaEventSource({
      clusterArn: props.kafka.clusterArn,
      topic,
      consumerGroupId: consumerGroupOf(spec, topic),
      batchSize: EVENT_SOURCE_SETTINGS.batchSize,
      startingPosition: EVENT_SOURCE_SETTINGS.startingPosition,
      bisectBatchOnError: EVENT_SOURCE_SETTINGS.bisectBatchOnError,
      retryAttempts: EVENT_SOURCE_SETTINGS.retryAttempts,
      maxRecordAge: EVENT_SOURCE_SETTINGS.maxRecordAge,
      reportBatchItemFailures: EVENT_SOURCE_SETTINGS.reportBatchItemFailures,
      onFailure: props.onFailure,
      provisionedPollerConfig: {
        minimumPollers: EVENT_SOURCE_SETTINGS.minimumPollers,
        maximumPollers: EVENT_SOURCE_SETTINGS.maximumPollers,
        pollerGroupName: props.pollerGroupName,
      },
    }));
    for (const source of this.eventSources) this.fn.addEventSource(source);
    acknowledge(this.fn, [RUNTIME_PIN, LAMBDA_MANAGED_POLICIES.basic, LAMBDA_MANAGED_POLICIES.vpc, LAMBDA_MANAGED_POLICIES.msk]);

    if (spec.sweeps) {
      this.schedule = new events.Rule(this, 'Sweep', {
        description: `podflow ${spec.name}: one level-triggered sweep per tick`,
        schedule: events.Schedule.rate(props.sweepEvery ?? Duration.minutes(1)),
        // A missed tick heals on the next one: do not pile up retries of old ticks.
        targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
      });
    }
  }
}
