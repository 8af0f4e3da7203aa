/**
 * MSK IAM access control in one place: the ARNs of a cluster's topics and
 * consumer groups, and the kafka-cluster statements for reading and writing
 * them. Every statement names its topics and groups; the only patterns are the
 * consumer-group prefixes of per-instance consumers (API instances, agents),
 * whose names are not known when the stack is deployed.
 */
import { Arn, ArnFormat, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type { TopicName } from '../../shared/events/topics';

export interface KafkaClusterRef {
  /** Cluster ARN: arn:PARTITION:kafka:REGION:ACCOUNT:cluster/NAME/UUID */
  clusterArn: string;
  clusterName: string;
}

export class KafkaArns {
  private readonly uuid: string;

  constructor(
    private readonly scope: IConstruct,
    private readonly cluster: KafkaClusterRef,
  ) {
    this.uuid = Fn.select(2, Fn.split('/', cluster.clusterArn));
  }

  get clusterArn(): string {
    return this.cluster.clusterArn;
  }

  topic(name: TopicName): string {
    return this.arn('topic', name);
  }

  group(name: string): string {
    return this.arn('group', name);
  }

  /**
   * Every consumer group whose name starts with `prefix`. The cluster's UUID
   * is left out (`*`) so the ARN names no other stack's resource and its
   * nag acknowledgment can name it exactly; the cluster name still scopes it.
   */
  groupPrefix(prefix: string): string {
    return Arn.format(
      { service: 'kafka', resource: 'group', resourceName: `${this.cluster.clusterName}/*/${prefix}*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME },
      Stack.of(this.scope),
    );
  }

  private arn(resource: 'topic' | 'group', name: string): string {
    return Arn.format(
      { service: 'kafka', resource, resourceName: `${this.cluster.clusterName}/${this.uuid}/${name}`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME },
      Stack.of(this.scope),
    );
  }
}

/** Connect to the cluster: every client needs this, and nothing more on the cluster itself. */
export function connectStatement(arns: KafkaArns, opts: { describeClusterConfig?: boolean } = {}): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'KafkaConnect',
    actions: ['kafka-cluster:Connect', ...(opts.describeClusterConfig ? ['kafka-cluster:DescribeClusterDynamicConfiguration'] : [])],
    resources: [arns.clusterArn],
  });
}

export function readTopicsStatement(arns: KafkaArns, topics: readonly TopicName[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'KafkaReadTopics',
    actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
    resources: topics.map((t) => arns.topic(t)),
  });
}

/** Join and commit offsets in consumer groups: named ones, or all under a prefix (per-instance groups). */
export function consumerGroupStatement(arns: KafkaArns, groups: { names?: readonly string[]; prefix?: string }): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'KafkaConsumerGroups',
    actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
    resources: [...(groups.names ?? []).map((g) => arns.group(g)), ...(groups.prefix ? [arns.groupPrefix(groups.prefix)] : [])],
  });
}

export function writeTopicsStatement(arns: KafkaArns, topics: readonly TopicName[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'KafkaWriteTopics',
    actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
    resources: [...new Set(topics)].map((t) => arns.topic(t)),
  });
}

export interface KafkaClientAccess {
  consumes?: readonly TopicName[];
  groups?: readonly string[];
  /** Consumer groups created per instance, e.g. `agent-` for `agent-<node>-<boot>`. */
  groupPrefix?: string;
  publishes?: readonly TopicName[];
  /** Lambda's MSK event source reads the cluster's dynamic configuration. */
  eventSource?: boolean;
}

export function kafkaClientStatements(arns: KafkaArns, access: KafkaClientAccess): iam.PolicyStatement[] {
  const statements = [connectStatement(arns, { describeClusterConfig: access.eventSource })];
  if (access.consumes?.length) statements.push(readTopicsStatement(arns, access.consumes));
  if (access.groups?.length || access.groupPrefix) statements.push(consumerGroupStatement(arns, { names: access.groups, prefix: access.groupPrefix }));
  if (access.publishes?.length) statements.push(writeTopicsStatement(arns, access.publishes));
  return statements;
}
