/**
 * Builds podflow's stacks into an app: network, state, messaging, control
 * plane, agent nodes, each receiving what it needs as props. Settings come in
 * already parsed; this file reads no context and no environment, so tests
 * build the same app `cdk synth` builds.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, type App, type StackProps } from 'aws-cdk-lib';
import { PROJECT_ROOT } from './bundling';
import { HANDLERS, type HandlerSpec } from './catalogue';
import { addNagChecks } from './nag';
import type { DeploymentSettings } from './settings';
import { AgentNodesStack } from './stacks/agent-nodes-stack';
import { ControlPlaneStack } from './stacks/control-plane-stack';
import { MessagingStack } from './stacks/messaging-stack';
import { NetworkStack } from './stacks/network-stack';
import { StateStack } from './stacks/state-stack';

export interface PodflowStacks {
  network: NetworkStack;
  state: StateStack;
  messaging: MessagingStack;
  controlPlane: ControlPlaneStack;
  agentNodes: AgentNodesStack;
}

/**
 * Handlers whose module and Lambda entry exist in the tree; the rest are
 * reported, never silently dropped: synth prints a warning naming each one.
 */
export function presentHandlers(
  handlers: readonly HandlerSpec[],
  exists: (path: string) => boolean = existsSync,
): { present: HandlerSpec[]; missing: HandlerSpec[] } {
  const isPresent = (h: HandlerSpec) => ['index.ts', 'lambda.ts'].every((f) => exists(join(PROJECT_ROOT, 'functions', h.name, f)));
  return { present: handlers.filter(isPresent), missing: handlers.filter((h) => !isPresent(h)) };
}

export function buildPodflow(app: App, settings: DeploymentSettings, handlers: readonly HandlerSpec[] = HANDLERS): PodflowStacks {
  const p = settings.stackPrefix;
  const common = (description: string): StackProps => ({ description, tags: { project: 'podflow', deployment: p } });

  const network = new NetworkStack(app, `${p}-Network`, { ...common('podflow: VPC, subnets, endpoints'), natGateways: settings.natGateways });
  const state = new StateStack(app, `${p}-State`, {
    ...common('podflow: DynamoDB projections'),
    deletionProtection: settings.deletionProtection,
  });
  const messaging = new MessagingStack(app, `${p}-Messaging`, {
    ...common('podflow: MSK cluster and topics'),
    vpc: network.vpc,
    mode: settings.msk,
    clusterName: `${p.toLowerCase()}-log`,
    kafkaVersion: settings.kafkaVersion,
    brokerInstanceType: settings.brokerInstanceType,
  });
  const controlPlane = new ControlPlaneStack(app, `${p}-ControlPlane`, {
    ...common('podflow: handler functions, API server'),
    vpc: network.vpc,
    kafka: messaging.kafka,
    tables: state.tables,
    handlers: presentHandlers(handlers).present,
    sweepMinutes: settings.sweepMinutes,
    apiInstanceType: settings.apiInstanceType,
    apiAccessCidr: settings.apiAccessCidr,
    apiCertificateArn: settings.apiCertificateArn,
  });
  const agentNodes = new AgentNodesStack(app, `${p}-AgentNodes`, {
    ...common('podflow: agent nodes'),
    vpc: network.vpc,
    kafka: messaging.kafka,
    pods: state.tables.Pods,
    configObjects: state.tables.ConfigObjects,
    nodes: state.tables.Nodes,
    agentToken: controlPlane.agentToken,
    apiSecurityGroup: controlPlane.api.instanceSecurityGroup,
    instanceType: settings.agentInstanceType,
    desiredNodes: settings.agentNodes,
    maxNodes: settings.agentMaxNodes,
  });
  for (const missing of presentHandlers(handlers).missing) {
    Annotations.of(controlPlane).addWarningV2(
      `podflow:handlerMissing:${missing.name}`,
      `handler ${missing.name} is not deployed: functions/${missing.name}/index.ts or lambda.ts does not exist yet`,
    );
  }
  addNagChecks(app);
  return { network, state, messaging, controlPlane, agentNodes };
}
