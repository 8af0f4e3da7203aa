/**
 * Pod startup benchmark: create → all containers running, for pods of two
 * containers sharing a network namespace, measured in one run through
 *   1. the podflow agent (publish PodAssigned, wait for PodStatusReported Running),
 *   2. plain `docker run` (second container joins the first's network namespace),
 *   3. `podman pod create` + `podman run --pod` (skipped, with a line saying why, if podman cannot run).
 * Pods are started one at a time (no overlap), a bounded number each, with a
 * time limit per pod. Prints a ratio table and writes JSON under bench/results/.
 *
 *   node dist/bench/pod-startup/run.js [--pods 20] [--warmup 2]
 */
import { REPO_ROOT } from '../../shared/local/paths';
import { runPodflowPod } from './podflow';
import { startAgentUnderTest } from './agent-under-test';
import { cleanupDocker, dockerPod, ensureImages, preparePodman, podmanPod, cleanupPodman } from './baselines';
import { summarize, table, writeResults, type Summary } from './stats';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v >= 0 ? Math.min(v, 200) : fallback;
}

async function main(): Promise<void> {
  const count = arg('pods', 20);
  const warmup = arg('warmup', 2);
  const runId = Date.now().toString(36);
  await ensureImages();
  const results: Summary[] = [];
  const skipped: Record<string, string> = {};
  const podman = await preparePodman(REPO_ROOT);
  if (!podman.ok) {
    skipped.podman = podman.reason;
    process.stdout.write(`  podman: skipped: ${podman.reason}\n`);
  }

  // podflow: a real broker and one agent on Docker; pods are assigned one at a time.
  const under = await startAgentUnderTest(runId, 'bench-pod-startup');
  const { publisher, watch, nodeName } = under;
  const samples: Record<string, number[]> = { 'podflow agent': [], 'docker run': [] };
  if (podman.ok) samples['podman pod'] = [];
  try {
    process.stdout.write(`pod startup benchmark: ${count} pods of 2 containers per runtime (+${warmup} warm-up), runtimes interleaved per round\n`);
    // Interleaved rounds: load from other work on the machine hits every runtime alike.
    const deadline = Date.now() + 300_000;
    for (let i = 0; i < warmup + count && Date.now() < deadline; i++) {
      const keep = i >= warmup;
      const flow = await runPodflowPod(publisher, watch, nodeName, { name: `bench-${runId}-${i}`, namespace: 'bench' });
      const plain = await dockerPod(`pfbench-${runId}-${i}`, runId);
      if (keep) {
        samples['podflow agent'].push(flow);
        samples['docker run'].push(plain);
      }
      if (podman.ok && !skipped.podman) {
        try {
          const pm = await podmanPod(podman.env, `pfbench-${runId}-${i}`, runId);
          if (keep) samples['podman pod'].push(pm);
        } catch (err) {
          skipped.podman = `podman failed while measuring: ${(err as Error).message.split('\n')[0]}`;
          delete samples['podman pod'];
          process.stdout.write(`  podman: skipped: ${skipped.podman}\n`);
        }
      }
    }
  } finally {
    await under.stop();
    await cleanupDocker(`podflow.bench=${runId}`);
    if (podman.ok) await cleanupPodman(podman.env, runId);
  }
  for (const [label, list] of Object.entries(samples)) results.push(summarize(label, list));

  const docker = results.find((r) => r.label === 'docker run');
  process.stdout.write(`\n${table(results, docker)}\n`);
  const flow = results.find((r) => r.label === 'podflow agent');
  const pod = results.find((r) => r.label === 'podman pod');
  if (flow && docker) {
    const ratio = flow.p50 / docker.p50;
    process.stdout.write(`target podflow <= 1.3x docker (p50): ${ratio.toFixed(2)}x ${ratio <= 1.3 ? 'met' : 'NOT met'}\n`);
  }
  if (flow && pod) process.stdout.write(`target podflow faster than podman (p50): ${flow.p50 < pod.p50 ? 'met' : 'NOT met'}\n`);
  writeResults('pod-startup', { podsPerRuntime: count, warmup, containersPerPod: 2, results, skipped });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
