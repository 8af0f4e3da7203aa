/**
 * The log in the cloud: the MSK cluster, its client security group and its
 * topics (names and partition counts from shared/events/topics.ts).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { KafkaCluster } from '../constructs/kafka-cluster';

export interface MessagingStackProps extends StackProps {
  vpc: ec2.IVpc;
  mode: 'provisioned' | 'serverless';
  clusterName: string;
  kafkaVersion: string;
  brokerInstanceType: string;
}

export class MessagingStack extends Stack {
  readonly kafka: KafkaCluster;

  constructor(scope: Construct, id: string, props: MessagingStackProps) {
    super(scope, id, props);
    this.kafka = new KafkaCluster(this, 'Kafka', {
      vpc: props.vpc,
      mode: props.mode,
      clusterName: props.clusterName,
      kafkaVersion: props.kafkaVersion,
      brokerInstanceType: props.brokerInstanceType,
    });
  }
}
