/**
 * The files a user of the project expects, kept true to package.json: the
 * licence text of the licence it names, and a changelog with a section for
 * the version it carries and one for what is not released yet.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { license: string; version: string };

describe('project files', () => {
  it('LICENSE holds the text of the licence package.json names', () => {
    const titles: Record<string, RegExp> = { 'Apache-2.0': /Apache License\s+Version 2\.0, January 2004/ };
    expect(titles[pkg.license]).toBeDefined();
    expect(read('LICENSE')).toMatch(titles[pkg.license]);
  });

  it('CHANGELOG.md has an Unreleased section and one for the current version, newest first', () => {
    const headings = [...read('CHANGELOG.md').matchAll(/^## \[([^\]]+)\]/gm)].map((m) => m[1]);
    expect(headings[0]).toBe('Unreleased');
    expect(headings).toContain(pkg.version);
  });
});
