/**
 * CPU time of processes from /proc (user + system), and of the benchmark's own
 * process: what each part of the local cluster spent during a phase.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** Milliseconds of CPU a process has used so far (undefined once it is gone). */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export type CpuSample = Record<string, number>;

export function sampleCpu(pids: Record<string, number>): CpuSample {
  const out: CpuSample = {};
  for (const [name, pid] of Object.entries(pids)) {
    const ms = cpuMs(pid);
    if (ms !== undefined) out[name] = ms;
  }
  return out;
}

export function cpuDelta(before: CpuSample, after: CpuSample): CpuSample {
  return Object.fromEntries(Object.keys(after).map((k) => [k, Math.round(after[k] - (before[k] ?? after[k]))]));
}
