/**
 * The nodes: an Auto Scaling group of Amazon Linux 2023 instances, each
 * running Docker and the podflow agent as a systemd service. A node joins by
 * booting: the agent names itself after the instance's private DNS name and
 * announces itself with heartbeats; scaling the group in or out is how nodes
 * leave or join.
 *
 * The pod network is a VXLAN overlay between the nodes (docs/pod-network.md):
 * the group admits UDP 8472 from itself, and each agent reads the Nodes table
 * for its pod range and the other nodes' ranges and addresses. The nodes run
 * in subnets of their own, apart from the control plane's, whose ranges each
 * agent closes to pods (BLOCKED_CIDRS), with the metadata service and the
 * agent's port (shared/network/isolation-plan.ts).
 *
 * The node role reads node-assignments (consumer groups `agent-*`) and writes
 * pod-status and node-heartbeats, nothing else in Kafka; in DynamoDB it only
 * reads (its pods, the ConfigMaps and Secrets they name, the Nodes table). MSK IAM scopes topics, not partitions: a node could read other
 * nodes' assignment partitions of the same topic (see docs/deploy-aws.md).
 */
import type { TableRef } from '../constructs/table-access';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { AGENT_ACCESS } from '../catalogue';
import { NodeBundle } from '../bundling';
import { InstanceGroup } from '../constructs/instance-group';
import { kafkaClientStatements } from '../constructs/kafka-access';
import { nodeServiceUserData } from '../constructs/node-service';
import type { KafkaEndpoint } from './control-plane-stack';
import { CONTROL_PLANE_SUBNETS, NODE_SUBNETS } from './network-stack';
import { acknowledge, acknowledgeWildcardResource } from '../nag';

/** Where the API reaches an agent for container logs. */
export const AGENT_PORT = 10250;

/** The pod network's VXLAN port (flannel's, and Linux's for VXLAN). */
export const VXLAN_PORT = 8472;

/** The pod sandbox image: the nodes can pull from public registries through the NAT gateway. */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

export interface AgentNodesStackProps extends StackProps {
  vpc: ec2.IVpc;
  kafka: KafkaEndpoint;
  /** The Pods table: an agent reads its own pods (byNode index) when it starts, so recovery never depends on expired assignments. */
  pods: TableRef;
  /** The ConfigObjects table: an agent reads the ConfigMaps and Secrets its pods name. */
  configObjects: TableRef;
  /** The Nodes table: an agent reads its pod range and the other nodes' ranges and addresses (the VXLAN overlay). */
  nodes: TableRef;
  agentToken: secretsmanager.ISecret;
  /** The API instances' group: admitted to the agents' log port. */
  apiSecurityGroup: ec2.ISecurityGroup;
  instanceType: string;
  desiredNodes: number;
  maxNodes: number;
}

export class AgentNodesStack extends Stack {
  readonly nodes: InstanceGroup;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: AgentNodesStackProps) {
    super(scope, id, props);
    const bundle = new NodeBundle(this, 'AgentBundle', { entry: 'agent/main.ts', outFile: 'agent.js' });

    this.securityGroup = new ec2.SecurityGroup(this, 'NodeSecurityGroup', {
      vpc: props.vpc,
      description: 'podflow agent nodes',
      allowAllOutbound: true,
    });
    this.securityGroup.addIngressRule(props.apiSecurityGroup, ec2.Port.tcp(AGENT_PORT), 'API reads container logs from the agent');
    this.securityGroup.addIngressRule(this.securityGroup, ec2.Port.udp(VXLAN_PORT), 'VXLAN pod network between the nodes');
    props.kafka.allowClient(this.securityGroup, 'podflow agent nodes');

    const userData = nodeServiceUserData({
      name: 'agent',
      description: 'podflow agent',
      bundle: bundle.asset,
      bundleFile: 'agent.js',
      installDocker: true,
      stopTimeoutSeconds: 90,
      env: {
        KAFKA_BROKERS: props.kafka.bootstrapBrokers,
        KAFKA_SSL: 'true',
        KAFKA_AUTH: 'iam',
        AWS_REGION: this.region,
        PODS_TABLE: props.pods.table.tableName,
        CONFIG_OBJECTS_TABLE: props.configObjects.table.tableName,
        RUNTIME: 'docker',
        AGENT_PORT: String(AGENT_PORT),
        POD_NETWORK: 'vxlan',
        NODES_TABLE: props.nodes.table.tableName,
        VXLAN_PORT: String(VXLAN_PORT),
        // Pods reach the outside through the node: the control plane's subnets are closed to them.
        BLOCKED_CIDRS: props.vpc.selectSubnets(CONTROL_PLANE_SUBNETS).subnets.map((s) => s.ipv4CidrBlock).join(','),
        PAUSE_IMAGE,
        LOG_LEVEL: 'info',
      },
      instanceEnv: {
        NODE_NAME: '$(imds local-hostname)',
        NODE_IP: '$(imds local-ipv4)',
        NODE_LABELS: 'topology.kubernetes.io/zone=$(imds placement/availability-zone),node.kubernetes.io/instance-type=$(imds instance-type)',
        AGENT_TOKEN: `$(secret '${props.agentToken.secretArn}')`,
        // Nodes read the one secret and each accepts only its own derived token (shared/auth/agent-token.ts).
        AGENT_TOKEN_KIND: 'cluster',
      },
    });

    this.nodes = new InstanceGroup(this, 'Nodes', {
      vpc: props.vpc,
      instanceType: props.instanceType,
      userData,
      securityGroup: this.securityGroup,
      subnets: NODE_SUBNETS,
      minCapacity: 0,
      maxCapacity: props.maxNodes,
      desiredCapacity: props.desiredNodes,
      rootVolumeGiB: 50,
    });
    acknowledge(this.nodes.asg, [
      {
        id: 'Annotation::@aws-cdk/aws-autoscaling:desiredCapacitySet',
        reason: 'The node count is a deployment setting (podflow:agentNodes): a deploy that sets it is how nodes join or leave.',
      },
    ]);
    const role = this.nodes.role;
    for (const statement of kafkaClientStatements(props.kafka.arns, {
      consumes: AGENT_ACCESS.consumes,
      groupPrefix: AGENT_ACCESS.consumerGroupPrefix,
      publishes: AGENT_ACCESS.publishes,
    })) {
      role.addToPolicy(statement);
    }
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'ReadBundle', actions: ['s3:GetObject'], resources: [bundle.asset.bucket.arnForObjects(bundle.asset.s3ObjectKey)] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'ReadOwnPods', actions: ['dynamodb:Query'], resources: [`${props.pods.table.tableArn}/index/byNode`] }),
    );
    // Query only: the items of one object (its head and chunks). Any node may read any namespace's objects (see the README's Security section).
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadConfigObjects', actions: ['dynamodb:Query'], resources: [props.configObjects.table.tableArn] }));
    // The pod network: this node's range (GetItem) and every node's range and address (Scan).
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadNodes', actions: ['dynamodb:GetItem', 'dynamodb:Scan'], resources: [props.nodes.table.tableArn] }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadAgentToken', actions: ['secretsmanager:GetSecretValue'], resources: [props.agentToken.secretArn] }));
    acknowledgeWildcardResource(
      role,
      props.kafka.arns.groupPrefix(AGENT_ACCESS.consumerGroupPrefix),
      'Each agent boot joins its own consumer group agent-<node>-<boot id>, unknown at deploy time; groups carry offsets, not data.',
    );
  }
}
