/**
 * What every command gets: the API client, where to write, the clock, and the
 * namespace choice. Commands return an exit code; an error they throw is
 * printed kubectl-style by the program and exits 1.
 */
import type { ApiClient } from '../api/client';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): string;
}

export interface CommandContext {
  client: ApiClient;
  io: Io;
  now(): Date;
  /** The namespace to use: `-n`, else the kubeconfig context's, else `default`. */
  namespace: string;
  /** True when `-n` was given on the command line (apply then refuses a manifest in another namespace). */
  namespaceExplicit: boolean;
  sleep(ms: number): Promise<void>;
}

export function line(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * A Go-style duration as kubectl takes it (`30s`, `1m30s`, `2h`, `500ms`, or bare
 * seconds) in milliseconds.
 */
export function parseDuration(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let consumed = '';
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * units[m[2]];
    consumed += m[0];
  }
  if (!text || consumed !== text) throw new Error(`invalid duration "${text}": use a number with a unit, such as 30s, 2m or 1h30m`);
  return total;
}
