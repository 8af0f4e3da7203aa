/**
 * The network every other stack lives in: a VPC across two Availability Zones
 * with public subnets (NAT, an internet-facing load balancer when asked for)
 * and private subnets of two kinds: `private` for the control plane (brokers,
 * functions, the API and its internal load balancer) and `nodes` for the
 * agent nodes. Pods reach the outside through their node, so the nodes are
 * told the control plane's subnets (BLOCKED_CIDRS) and keep pods out of them;
 * a separate group is what makes that one rule per zone. DynamoDB and S3 are
 * reached through gateway endpoints, so table and asset traffic stays off the
 * NAT gateway. Flow logs record rejected and accepted traffic.
 */
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** A literal (not a token), so security group rules that admit the VPC can be checked at synth. */
export const VPC_CIDR = '10.40.0.0/16';

/** The control plane's subnet group: MSK, the Lambda functions, the API instances and the internal load balancer. */
export const CONTROL_PLANE_SUBNETS: ec2.SubnetSelection = { subnetGroupName: 'private' };

/** The agent nodes' subnet group: apart from the control plane, so pods can be kept out of it by range. */
export const NODE_SUBNETS: ec2.SubnetSelection = { subnetGroupName: 'nodes' };

export interface NetworkStackProps extends StackProps {
  natGateways: number;
}

export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      maxAzs: 2,
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        // Last, so the groups above keep their ranges.
        { name: 'nodes', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }
}
