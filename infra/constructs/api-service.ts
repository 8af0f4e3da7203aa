/**
 * The API server in the cloud: `api/main.ts` on a small Auto
 * Scaling group behind an Application Load Balancer. A long-lived process,
 * because watches are long-lived HTTP streams fed by a Kafka consumer of
 * pod-changes; the load balancer keeps idle streams open for an hour.
 *
 * The load balancer is internal unless an access CIDR is given, and then it
 * admits that CIDR only. Every request but the health probes carries the API
 * bearer token, kept in Secrets Manager.
 */
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { NodeBundle } from '../bundling';
import { acknowledge } from '../nag';
import { InstanceGroup } from './instance-group';
import { nodeServiceUserData } from './node-service';
import { CONTROL_PLANE_SUBNETS } from '../stacks/network-stack';

export const API_PORT = 8001;

export interface ApiServiceProps {
  vpc: ec2.IVpc;
  instanceType: string;
  /** Admits the API instances' group to the brokers. */
  allowKafkaClient: (client: ec2.ISecurityGroup, description: string) => void;
  /** Environment of the API process (brokers, tables, Kafka auth). */
  env: Record<string, string>;
  statements: iam.PolicyStatement[];
  apiToken: secretsmanager.ISecret;
  agentToken: secretsmanager.ISecret;
  /** Internet-facing load balancer admitting this CIDR only; otherwise internal, admitting `vpcCidr`. */
  accessCidr?: string;
  vpcCidr: string;
  certificateArn?: string;
}

export class ApiService extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly instances: InstanceGroup;
  readonly instanceSecurityGroup: ec2.SecurityGroup;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiServiceProps) {
    super(scope, id);
    const bundle = new NodeBundle(this, 'Bundle', { entry: 'api/main.ts', outFile: 'api.js' });
    const internetFacing = props.accessCidr !== undefined;
    const listenerPort = props.certificateArn ? 443 : 80;

    const lbSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: 'podflow API load balancer',
      allowAllOutbound: false,
    });
    const clients = ec2.Peer.ipv4(props.accessCidr ?? props.vpcCidr);
    lbSecurityGroup.addIngressRule(clients, ec2.Port.tcp(listenerPort), internetFacing ? 'podctl users (podflow:apiAccessCidr)' : 'clients inside the VPC');

    this.instanceSecurityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc: props.vpc,
      description: 'podflow API instances',
      allowAllOutbound: true,
    });
    props.allowKafkaClient(this.instanceSecurityGroup, 'podflow API instances');

    const userData = nodeServiceUserData({
      name: 'api',
      description: 'podflow API server',
      bundle: bundle.asset,
      bundleFile: 'api.js',
      env: { ...props.env, API_HOST: '0.0.0.0', API_PORT: String(API_PORT) },
      instanceEnv: {
        API_TOKEN: `$(secret '${props.apiToken.secretArn}')`,
        AGENT_TOKEN: `$(secret '${props.agentToken.secretArn}')`,
      },
    });
    this.instances = new InstanceGroup(this, 'Instances', {
      vpc: props.vpc,
      instanceType: props.instanceType,
      userData,
      securityGroup: this.instanceSecurityGroup,
      minCapacity: 1,
      maxCapacity: 2,
      rootVolumeGiB: 20,
      elbHealthCheck: true,
      rollingUpdate: true,
    });
    const role = this.instances.role;
    for (const statement of props.statements) role.addToPolicy(statement);
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'ReadBundle', actions: ['s3:GetObject'], resources: [bundle.asset.bucket.arnForObjects(bundle.asset.s3ObjectKey)] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTokens',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [props.apiToken.secretArn, props.agentToken.secretArn],
      }),
    );

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing,
      vpcSubnets: internetFacing ? { subnetType: ec2.SubnetType.PUBLIC } : CONTROL_PLANE_SUBNETS,
      securityGroup: lbSecurityGroup,
      idleTimeout: Duration.hours(1),
      dropInvalidHeaderFields: true,
    });
    acknowledge(this.loadBalancer, [
      {
        id: 'AwsSolutions-ELB2',
        reason:
          'The stacks are environment-agnostic (offline synth, any Region) and ELB log delivery needs a Region-specific bucket principal; docs/deploy-aws.md shows how to turn access logs on for a chosen Region.',
      },
    ]);
    const listener = this.loadBalancer.addListener('Listener', {
      port: listenerPort,
      protocol: props.certificateArn ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      certificates: props.certificateArn ? [elbv2.ListenerCertificate.fromArn(props.certificateArn)] : undefined,
      open: false,
    });
    listener.addTargets('Api', {
      port: API_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.instances.asg],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: '/readyz', healthyHttpCodes: '200', interval: Duration.seconds(15) },
    });
    const scheme = props.certificateArn ? 'https' : 'http';
    this.url = `${scheme}://${this.loadBalancer.loadBalancerDnsName}`;
    new CfnOutput(Stack.of(this), 'ApiUrl', { value: this.url, description: 'podctl --server (or the kubeconfig cluster server)' });
    new CfnOutput(Stack.of(this), 'ApiTokenSecretArn', { value: props.apiToken.secretArn, description: 'the bearer token podctl sends' });
    new CfnOutput(Stack.of(this), 'ApiInstancesGroup', {
      value: this.instances.asg.autoScalingGroupName,
      description: 'API instances: a Session Manager tunnel host for an internal load balancer',
    });
  }
}
