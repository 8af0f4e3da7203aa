/**
 * Runs the host's network tools (ip, bridge, iptables, sysctl) in the node's
 * network namespace: the root namespace on a real host, or the namespace the
 * local launcher made for a simulated host (entered with nsenter, which only
 * switches the network namespace and leaves mounts alone).
 */
import { execFile } from 'node:child_process';

/** Runs `cmd args` in the host's namespace; `input`, when given, is written to its stdin (iptables-restore). */
export type HostExec = (cmd: string, args: readonly string[], input?: string) => Promise<string>;

export class HostCommandError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
  ) {
    super(`${command}: ${stderr.trim() || 'failed'}`);
  }
}

export function hostExec(netnsPath?: string): HostExec {
  return (cmd, args, input) =>
    new Promise((resolve, reject) => {
      const [file, argv] = netnsPath ? ['nsenter', [`--net=${netnsPath}`, '--', cmd, ...args]] : [cmd, [...args]];
      const child = execFile(file, argv, { timeout: 15_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) reject(new HostCommandError(`${cmd} ${args.join(' ')}`, String(stderr || err.message)));
        else resolve(String(stdout));
      });
      if (input !== undefined) child.stdin?.end(input);
    });
}
