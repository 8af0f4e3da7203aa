/** Latency summaries (nearest-rank percentiles), the ratio table the benchmarks print, and their JSON results file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../shared/local/paths';
export interface Summary {
  label: string;
  count: number;
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
  samplesMs: number[];
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(label: string, samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    label,
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    min: round(sorted[0] ?? NaN),
    max: round(sorted[sorted.length - 1] ?? NaN),
    samplesMs: samples.map(round),
  };
}

export function table(rows: readonly Summary[], baseline?: Summary): string {
  const head = ['runtime', 'pods', 'p50 ms', 'p99 ms', 'mean ms', 'p50 / docker', 'p99 / docker'];
  const body = rows.map((r) => [
    r.label,
    String(r.count),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    r.mean.toFixed(1),
    baseline ? `${(r.p50 / baseline.p50).toFixed(2)}x` : '-',
    baseline ? `${(r.p99 / baseline.p99).toFixed(2)}x` : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...body.map(line)].join('\n');
}

/** Writes `bench/results/<name>-<time>.json` with the benchmark's name and time first, and says where. */
export function writeResults(name: string, body: Record<string, unknown>): void {
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const file = path.join(dir, `${name}-${at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ benchmark: name, at, ...body }, null, 2)}\n`);
  process.stdout.write(`results written to ${path.relative(REPO_ROOT, file)}\n`);
}
