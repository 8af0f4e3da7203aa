/**
 * The real kubectl, run as a user's terminal runs it: against a cluster's
 * kubeconfig, with the exit code, stdout and stderr of each run (never a
 * throw, so a test can assert on a refusal as on a success).
 */
import { spawn } from 'node:child_process';

export interface KubectlResult {
  code: number | null;
  out: string;
  err: string;
}

export interface KubectlOptions {
  cwd?: string;
  /** Flags put before every command, e.g. a cache directory of the test's own. */
  flags?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

export function kubectlRunner(kubeconfig: () => string, opts: KubectlOptions = {}) {
  const run = (args: string[], input?: Buffer | string): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = spawn('kubectl', [...(opts.flags ?? []), ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env, KUBECONFIG: kubeconfig() } });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const timer = setTimeout(() => child.kill(), opts.timeoutMs ?? 60_000);
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') });
      });
      child.stdin.end(input);
    });
  return run;
}
