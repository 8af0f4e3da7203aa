/**
 * The local state directory holds the API token, the agents' token, the
 * kubeconfig, the TLS keys and every Kafka credential, so it is the keys to
 * the cluster. The launcher creates it 0700 and, as ssh does with a private
 * key, refuses to start when a secret in it can be read by anyone but its
 * owner (naming the file and the chmod that fixes it). The directory itself,
 * which set-up may have made with the default umask, is tightened to 0700 with
 * a warning. The decision is pure (`auditModes`); `checkStateDir` reads the disk.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Files (relative to the state directory) that are secrets; directories listed are secret as a whole. */
export const SECRET_PATHS = ['token', 'agent-token', 'kubeconfig', 'cluster.json', 'tls/ca.key', 'tls/server.key', 'kafka-auth'];

export interface ModeEntry {
  path: string;
  mode: number;
  directory: boolean;
}

export interface Audit {
  /** Secrets others can read or write: refuse to start. */
  exposed: ModeEntry[];
  /** The state directory open to others: tightened to 0700. */
  openDir: boolean;
}

const OTHERS = 0o077;

export function auditModes(stateDirMode: number, secrets: ModeEntry[]): Audit {
  return { exposed: secrets.filter((s) => !s.directory && (s.mode & OTHERS) !== 0), openDir: (stateDirMode & OTHERS) !== 0 };
}

function walk(file: string, out: ModeEntry[]): void {
  if (!existsSync(file)) return;
  const st = statSync(file);
  out.push({ path: file, mode: st.mode & 0o777, directory: st.isDirectory() });
  if (st.isDirectory()) for (const name of readdirSync(file)) walk(path.join(file, name), out);
}

export class UnsafeStateDirError extends Error {}

/** Creates the directory 0700, tightens it if it is open, and throws on an exposed secret. Returns the warnings. */
export function checkStateDir(dir: string): string[] {
  const warnings: string[] = [];
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const entries: ModeEntry[] = [];
  for (const p of SECRET_PATHS) walk(path.join(dir, p), entries);
  const audit = auditModes(statSync(dir).mode & 0o777, entries);
  if (audit.openDir) {
    chmodSync(dir, 0o700);
    warnings.push(`${dir} was readable by other users; its mode is now 0700`);
  }
  if (audit.exposed.length) {
    const lines = audit.exposed.map((e) => `  ${e.path} (mode ${e.mode.toString(8).padStart(4, '0')})`);
    throw new UnsafeStateDirError(
      `refusing to start: these secrets can be read by other users:\n${lines.join('\n')}\n` +
        `Fix with: chmod 600 ${audit.exposed.map((e) => JSON.stringify(e.path)).join(' ')}`,
    );
  }
  return warnings;
}
