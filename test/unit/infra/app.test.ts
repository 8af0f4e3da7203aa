import { type Stack, Token } from 'aws-cdk-lib';
import { readSettings } from '../../../infra/settings';
import { App } from 'aws-cdk-lib';
import { presentHandlers } from '../../../infra/podflow-app';
import { HANDLERS } from '../../../infra/catalogue';
import { cdkJsonContext, synthPodflow, type Synthesized } from './synth';

describe('the podflow app', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPodflow();
  });

  it('creates the five stacks, named after the deployment prefix', () => {
    expect(Object.values(s.stacks).map((stack: Stack) => stack.stackName)).toEqual([
      'Podflow-Network',
      'Podflow-State',
      'Podflow-Messaging',
      'Podflow-ControlPlane',
      'Podflow-AgentNodes',
    ]);
  });

  it('synthesizes without credentials or lookups: every stack is environment-agnostic', () => {
    for (const stack of Object.values(s.stacks) as Stack[]) {
      expect(Token.isUnresolved(stack.account)).toBe(true);
      expect(Token.isUnresolved(stack.region)).toBe(true);
    }
    const assembly = s.app.synth();
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  it('orders the stacks so that each depends only on the ones before it', () => {
    const deps = (stack: Stack) => stack.dependencies.map((d) => d.stackName).sort();
    expect(deps(s.stacks.network)).toEqual([]);
    expect(deps(s.stacks.state)).toEqual([]);
    expect(deps(s.stacks.messaging)).toEqual(['Podflow-Network']);
    expect(deps(s.stacks.controlPlane)).toEqual(['Podflow-Messaging', 'Podflow-Network', 'Podflow-State']);
    expect(deps(s.stacks.agentNodes)).toEqual(['Podflow-ControlPlane', 'Podflow-Messaging', 'Podflow-Network', 'Podflow-State']);
  });

  it('carries the feature flags the installed CDK recommends, launch templates included', () => {
    const recommended = require('aws-cdk-lib/recommended-feature-flags.json') as Record<string, unknown>;
    expect(cdkJsonContext()).toMatchObject(recommended);
    expect(cdkJsonContext()['@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig']).toBe(true);
    expect(s.templates.agentNodes.findResources('AWS::AutoScaling::LaunchConfiguration')).toEqual({});
  });
});

describe('deployment settings', () => {
  const settings = (context: Record<string, unknown>) => readSettings(new App({ context }));

  it('reads the defaults when no context is given', () => {
    expect(settings({})).toMatchObject({ stackPrefix: 'Podflow', msk: 'provisioned', deletionProtection: true, agentNodes: 2, sweepMinutes: 1 });
  });

  it('accepts the strings `cdk -c key=value` passes', () => {
    expect(settings({ 'podflow:deletionProtection': 'false', 'podflow:agentNodes': '0', 'podflow:msk': 'serverless' })).toMatchObject({
      deletionProtection: false,
      agentNodes: 0,
      msk: 'serverless',
    });
  });

  it.each([
    [{ 'podflow:msk': 'dedicated' }, /podflow:msk/],
    [{ 'podflow:apiAccessCidr': '0.0.0.0' }, /podflow:apiAccessCidr/],
    [{ 'podflow:agentNodes': 20, 'podflow:agentMaxNodes': 10 }, /exceeds podflow:agentMaxNodes/],
    [{ 'podflow:natGateways': 0 }, /podflow:natGateways/],
  ])('refuses %j with a message naming the setting', (context, message) => {
    expect(() => settings(context)).toThrow(message);
  });
});

describe('handlers in the tree', () => {
  it('deploys a handler only when both its module and its Lambda entry exist, and names the others', () => {
    const exists = (path: string) => !path.includes('/replication-controller/') && !path.endsWith('scheduler/lambda.ts');
    const { present, missing } = presentHandlers(HANDLERS, exists);
    expect(present.map((h) => h.name)).toEqual(['pod-controller', 'status-recorder', 'node-lifecycle', 'config-controller']);
    expect(missing.map((h) => h.name)).toEqual(['scheduler', 'replication-controller']);
  });
});
