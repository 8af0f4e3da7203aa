/**
 * Bundles for real, as `cdk synth` does: esbuild from node_modules on this
 * machine (never Docker), every Lambda entry, the topic provisioner, and the
 * single-file bundles of the API and the agent for EC2.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { HANDLERS } from '../../../infra/catalogue';
import { presentHandlers } from '../../../infra/podflow-app';
import { render, synthPodflow, type Synthesized } from './synth';

const { present, missing } = presentHandlers(HANDLERS);

describe('bundling with esbuild, locally', () => {
  let s: Synthesized;
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'podflow-cdk-'));
    s = synthPodflow({}, { bundle: true, outdir });
    s.app.synth();
  }, 300_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  /** The staged asset of a Lambda function: asset.<hash>/index.js in the cloud assembly. */
  const lambdaBundle = (fn: CfnFunction): string => {
    const key = render((fn.code as { s3Key: string }).s3Key);
    return join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.js');
  };

  it.each(present.map((h) => [h.name]))('bundles functions/%s/lambda.ts into one file whose handler answers Lambda events', async (name) => {
    const fn = s.stacks.controlPlane.handlers[name].fn.node.defaultChild as CfnFunction;
    const file = lambdaBundle(fn);
    expect(existsSync(file)).toBe(true);
    const mod = require(file) as { handler: (event: unknown) => Promise<unknown> };
    expect(typeof mod.handler).toBe('function');
    // An event of no known shape is refused before any client is built: the adapter is in the bundle and works.
    await expect(mod.handler({ Records: [] })).rejects.toThrow('unrecognised event');
  });

  (missing.length ? it.skip : it)(`bundles every handler of the catalogue${missing.length ? ` (not in the tree yet: ${missing.map((h) => h.name).join(', ')})` : ''}`, () => {
    expect(present).toHaveLength(HANDLERS.length);
  });

  it('bundles the topic provisioner with its custom resource entry point', () => {
    const provisioner = s.stacks.messaging.kafka.node.findChild('TopicProvisioner').node.defaultChild as CfnFunction;
    const file = lambdaBundle(provisioner);
    expect(typeof (require(file) as { onEvent: unknown }).onEvent).toBe('function');
  });

  it.each([
    ['API', () => s.stacks.controlPlane.api.node.findChild('Bundle'), 'API listening'],
    ['agent', () => s.stacks.agentNodes.node.findChild('AgentBundle'), 'agent starting'],
  ] as const)('bundles the %s into one JavaScript file for its EC2 service', (_name, bundle, marker) => {
    const asset = (bundle() as unknown as { asset: { assetHash: string } }).asset;
    const file = join(outdir, `asset.${asset.assetHash}.js`);
    expect(statSync(file).size).toBeGreaterThan(100_000);
    expect(readFileSync(file, 'utf8')).toContain(marker);
  });
});
