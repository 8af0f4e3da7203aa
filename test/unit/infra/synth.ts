/**
 * Builds the podflow app the way `cdk synth` does (cdk.json's feature flags,
 * the same settings parser), once per test file, and renders CloudFormation
 * intrinsics to strings so policies can be read back by the names they grant.
 * Bundling is skipped here (CDK's `aws:cdk:bundling-stacks`); bundles.test.ts
 * bundles for real.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildPodflow, type PodflowStacks } from '../../../infra/podflow-app';
import { readSettings } from '../../../infra/settings';

export const ROOT = join(__dirname, '../../..');

export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context;
}

export interface Synthesized {
  app: App;
  stacks: PodflowStacks;
  templates: Record<keyof PodflowStacks, Template>;
}

export function synthPodflow(context: Record<string, unknown> = {}, opts: { bundle?: boolean; outdir?: string } = {}): Synthesized {
  const app = new App({
    outdir: opts.outdir,
    context: { ...cdkJsonContext(), ...(opts.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
  });
  const stacks = buildPodflow(app, readSettings(app));
  const templates = Object.fromEntries(
    Object.entries(stacks).map(([k, stack]) => [k, Template.fromStack(stack as Stack)]),
  ) as Record<keyof PodflowStacks, Template>;
  return { app, stacks, templates };
}

/**
 * A CloudFormation value as text: literals stay, references become `<...>`:
 * `<Logical.Attr>`, `<Logical>`, `<out:OutputName>` for another stack's output.
 */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(render).join(',');
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(sep);
    }
    if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Ref' in v) return `<${String(v.Ref)}>`;
    if ('Fn::GetStackOutput' in v) return `<out:${(v['Fn::GetStackOutput'] as { OutputName: string }).OutputName}>`;
    if ('Fn::ImportValue' in v) return `<import:${render(v['Fn::ImportValue'])}>`;
    if ('Fn::Select' in v) return `<select:${render((v['Fn::Select'] as unknown[])[1])}>`;
    if ('Fn::Split' in v) return `<split:${render((v['Fn::Split'] as unknown[])[1])}>`;
    return JSON.stringify(v);
  }
  return String(value);
}

export interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
  Sid?: string;
}

const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Every Allow statement of the inline policies attached to a role (by the role's logical id). */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => list((p.Properties as { Roles?: unknown[] }).Roles).some((r) => render(r) === `<${roleLogicalId}>`))
    .flatMap((p) => (p.Properties as { PolicyDocument: { Statement: Record<string, unknown>[] } }).PolicyDocument.Statement)
    .map((s) => ({
      Effect: s.Effect as string,
      Sid: s.Sid as string | undefined,
      Action: list(s.Action as string | string[]),
      Resource: list(s.Resource as unknown).map(render),
    }));
}

/** Resources granted an action, across statements. */
export function resourcesFor(statements: Statement[], action: string): string[] {
  return [...new Set(statements.filter((s) => s.Effect === 'Allow' && s.Action.includes(action)).flatMap((s) => s.Resource))].sort();
}

/** The logical id a construct's CloudFormation resource gets in its stack. */
export function logicalId(construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild as Parameters<Stack['getLogicalId']>[0];
  return Stack.of(child).resolve(Stack.of(child).getLogicalId(child));
}
