/**
 * An Auto Scaling group of Amazon Linux 2023 instances from a launch template:
 * IMDSv2 only, with a hop limit of 1 so containers on the instance can not
 * reach its metadata (and its role's credentials); encrypted gp3 root volume;
 * no SSH key and no public address: operators use SSM Session Manager.
 * The role starts with SSM's core policy only; callers add what the program
 * on the instance needs.
 */
import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { CONTROL_PLANE_SUBNETS } from '../stacks/network-stack';

export interface InstanceGroupProps {
  vpc: ec2.IVpc;
  instanceType: string;
  userData: ec2.UserData;
  securityGroup: ec2.ISecurityGroup;
  minCapacity: number;
  maxCapacity: number;
  desiredCapacity?: number;
  rootVolumeGiB?: number;
  /** Health from the load balancer instead of EC2 status checks. */
  elbHealthCheck?: boolean;
  /** Replace instances one by one when the launch template changes (stateless services only). */
  rollingUpdate?: boolean;
  /** Where the instances run: the control plane's subnets unless told (the agent nodes have their own). */
  subnets?: ec2.SubnetSelection;
}

export class InstanceGroup extends Construct {
  readonly role: iam.Role;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly asg: autoscaling.AutoScalingGroup;

  constructor(scope: Construct, id: string, props: InstanceGroupProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    acknowledge(this.role, [
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
        reason: 'Session Manager replaces SSH on podflow instances; AWS maintains the minimal policy the SSM agent needs.',
      },
    ]);
    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      instanceType: new ec2.InstanceType(props.instanceType),
      role: this.role,
      userData: props.userData,
      securityGroup: props.securityGroup,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      associatePublicIpAddress: false,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(props.rootVolumeGiB ?? 30, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
        },
      ],
    });
    this.asg = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc: props.vpc,
      vpcSubnets: props.subnets ?? CONTROL_PLANE_SUBNETS,
      launchTemplate: this.launchTemplate,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      desiredCapacity: props.desiredCapacity,
      healthChecks: props.elbHealthCheck
        ? autoscaling.HealthChecks.withAdditionalChecks({ additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB], gracePeriod: Duration.minutes(5) })
        : autoscaling.HealthChecks.ec2({ gracePeriod: Duration.minutes(5) }),
      updatePolicy: props.rollingUpdate ? autoscaling.UpdatePolicy.rollingUpdate({ maxBatchSize: 1, minInstancesInService: props.minCapacity }) : undefined,
    });
    acknowledge(this.asg, [
      {
        id: 'AwsSolutions-AS3',
        reason: 'Scaling activity is recorded in the group activity history and CloudTrail; no one subscribes to per-event notifications.',
      },
    ]);
  }
}
