/**
 * Shell completion: the candidates come from podctl's own command tree (table
 * tests), and the generated scripts work in the real bash and zsh, asking the
 * built podctl (dist/) for them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { completionFor, completionTree } from '../../../bin/podctl/commands/completion';
import { buildProgram, runPodctl } from '../../../bin/podctl/program';

const tree = completionTree(buildProgram({ io: { out: () => undefined, err: () => undefined, readStdin: () => '' }, writeRaw: () => undefined, env: {}, cwd: '/' }, () => undefined));

describe('completion candidates', () => {
  it.each([
    ['the subcommands', [], '', ['apply', 'get', 'describe', 'delete', 'logs', 'scale', 'top', 'version', 'completion']],
    ['subcommands by prefix', [], 'de', ['describe', 'delete']],
    ['after global flags and their values', ['-n', 'team', '--context=x'], 'g', ['get']],
    ['resource types after get', ['get'], 'r', ['replicationcontrollers', 'replicationcontroller', 'rc']],
    ["a command's flags, then the globals", ['delete', 'pod'], '--g', ['--grace-period']],
    ['global flags before any command', [], '--k', ['--kubeconfig']],
    ['the shells', ['completion'], '', ['bash', 'zsh']],
    ['nothing past the last argument', ['completion', 'bash'], '', []],
    ["nothing for a flag's value (the shell offers files)", ['apply', '-f'], '', []],
  ])('offers %s', (_name, before, current, expected) => {
    expect(completionFor(tree, before, current).words).toEqual(expected);
  });

  it.each([
    ['names of the type given before', ['get', 'pods'], '', { resource: 'pods', prefix: '' }],
    ['names of further objects of that type', ['delete', 'rc', 'a'], '', { resource: 'rc', prefix: '' }],
    ['TYPE/NAME names', ['describe'], 'no/', { resource: 'no', prefix: 'no/' }],
    ['pod names for logs', ['logs'], 'w', { resource: 'pods', prefix: '' }],
  ])('asks the cluster for %s', (_name, before, current, names) => {
    expect(completionFor(tree, before, current).names).toEqual(names);
  });

  it('asks for the containers of the pod named before, and keeps the connection flags it saw', () => {
    const request = completionFor(tree, ['--kubeconfig', '/k', '-n', 'team', 'logs', 'pod/web'], '');
    expect(request.containersOf).toBe('web');
    expect(request.flags).toEqual({ kubeconfig: '/k', namespace: 'team' });
  });
});

describe('completion scripts in the real shells', () => {
  const ROOT = path.resolve(__dirname, '../../..');
  const self = [process.execPath, path.join(ROOT, 'dist/bin/podctl.js')];
  const script = async (shell: string) => {
    let out = '';
    const code = await runPodctl(['completion', shell], { io: { out: (t) => void (out += t), err: () => undefined, readStdin: () => '' }, writeRaw: () => undefined, env: {}, cwd: ROOT, self });
    expect(code).toBe(0);
    return out;
  };
  // Outside any podflow checkout and with no kubeconfig: names complete to nothing, commands still do.
  const env = { PATH: process.env.PATH ?? '', HOME: '/nonexistent', KUBECONFIG: '' };

  it('bash: completes subcommands, flags and resource types through podctl __complete', async () => {
    expect(existsSync(self[1])).toBe(true);
    const run = async (words: string[]) => {
      const text = await script('bash');
      return execFileSync('bash', ['-c', `eval "$SCRIPT"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _podctl; printf '%s\\n' "\${COMPREPLY[@]}"`], { env: { ...env, SCRIPT: text }, cwd: '/' })
        .toString()
        .split('\n')
        .filter(Boolean);
    };
    expect(await run(['podctl', 'de'])).toEqual(['describe', 'delete']);
    expect(await run(['podctl', 'get', 'pods', '--sel'])).toEqual(['--selector']);
    expect(await run(['podctl', '-n', 'x', 'get', 'no'])).toEqual(['nodes', 'node', 'no']);
    expect(await run(['podctl', 'get', 'pods', ''])).toEqual([]);
  });

  const zsh = ['/usr/bin/zsh', '/bin/zsh'].find((p) => existsSync(p));
  (zsh ? it : it.skip)('zsh: offers the same candidates through compadd, and files when there are none', async () => {
    const text = await script('zsh');
    const run = (words: string[]) =>
      execFileSync(zsh!, ['-fc', `compdef() { :; }; eval "$SCRIPT"; compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }; _files() { print FILES; }; words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _podctl`], { env: { ...env, SCRIPT: text }, cwd: '/' })
        .toString()
        .split('\n')
        .filter(Boolean);
    expect(run(['podctl', 'completion', ''])).toEqual(['bash', 'zsh']);
    expect(run(['podctl', 'get', 'pods', '-A', '--no'])).toEqual(['--no-headers']);
    expect(run(['podctl', 'apply', '-f', ''])).toEqual(['FILES']);
  });
});
