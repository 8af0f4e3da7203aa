/**
 * Updates as a kubectl user makes them, on a cluster with one Docker agent:
 * `kubectl label` and `annotate`, `kubectl apply` of a file and then of the
 * same file with a changed image (only that container restarts, in place: same
 * pod uid and IP, the other container untouched), `kubectl edit` through
 * KUBE_EDITOR, a forbidden change refused with Kubernetes' message, and
 * server-side apply with a second manager's conflict, then forced. kubectl
 * validates every apply and edit against the API's OpenAPI documents.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../helpers/control-plane';
import { cleanupNode, docker, startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';

const run = promisify(execFile);
jest.setTimeout(180_000);

interface PodView {
  metadata: { uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; managedFields?: { manager: string; operation: string }[]; generation?: number };
  spec: { containers: { name: string; image: string }[] };
  status: { phase?: string; podIP?: string; containerStatuses?: { name: string; image: string; ready: boolean; restartCount: number; containerID?: string }[] };
}

const manifest = (name: string, webImage: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  terminationGracePeriodSeconds: 2${extra}
  volumes:
    - name: html
      emptyDir: {}
  containers:
    - name: web
      image: ${webImage}
      volumeMounts:
        - name: html
          mountPath: /usr/share/html
    - name: puller
      image: podflow/puller:1
      env:
        - name: TARGET
          value: /html/index.html
      volumeMounts:
        - name: html
          mountPath: /html
`;

describe('kubectl updates pods', () => {
  const node = uniqueNodeName('ku');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubectl-update-'));
  let cluster: TestCluster;
  const kubectl = async (args: string[], env: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await run('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig, ...env }, timeout: 60_000 });
      return { code: 0, out: stdout, err: stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: e.stdout, err: e.stderr };
    }
  };
  const getPod = async (name: string) => JSON.parse((await kubectl(['get', 'pod', name, '-o', 'json', '--show-managed-fields'])).out) as PodView;
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const status = (pod: PodView, container: string) => pod.status.containerStatuses?.find((c) => c.name === container);
  const runningAndReady = (pod: PodView) => pod.status.phase === 'Running' && (pod.status.containerStatuses ?? []).length === 2 && pod.status.containerStatuses!.every((c) => c.ready);

  beforeAll(async () => {
    // A second tag of the web image, as a new release would be: IfNotPresent (the default for a tag) uses it locally.
    await docker.getImage('podflow/web:1').tag({ repo: 'podflow/web', tag: '2' });
    cluster = await startTestCluster({ agents: [{ name: node, runtime: 'docker', env: { HEARTBEAT_INTERVAL_MS: '1000' } }], tls: true });
    await eventually(async () => (await kubectl(['get', 'node', node])).out.includes('Ready'), 30_000, 'node Ready');
  }, 120_000);
  afterAll(async () => {
    await cluster?.destroy();
    await cleanupNode(node);
    await docker.getImage('podflow/web:2').remove({ noprune: true }).catch(() => undefined);
  });

  it('labels and annotates a pod, and get --show-labels shows the label', async () => {
    expect(await kubectl(['apply', '-f', file('web.yaml', manifest('web', 'podflow/web:1'))])).toMatchObject({ code: 0, out: 'pod/web created\n' });
    expect(await kubectl(['label', 'pod', 'web', 'tier=front'])).toMatchObject({ code: 0, out: 'pod/web labeled\n' });
    const shown = await kubectl(['get', 'pod', 'web', '--show-labels']);
    expect(shown.out.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+LABELS$/);
    expect(shown.out).toMatch(/^web\s+.*\s+app=web,tier=front$/m);
    expect(await kubectl(['annotate', 'pod', 'web', 'note=hello world'])).toMatchObject({ code: 0, out: 'pod/web annotated\n' });
    expect((await kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.metadata.annotations.note}'])).out).toBe('hello world');
    const managers = (await getPod('web')).metadata.managedFields?.map((m) => m.manager);
    expect(managers).toEqual(expect.arrayContaining(['kubectl-client-side-apply', 'kubectl-label', 'kubectl-annotate']));
  });

  it('applies the same file with a new image: only that container restarts, in place', async () => {
    const before = await eventually(async () => {
      const p = await getPod('web');
      return runningAndReady(p) && p;
    }, 90_000, 'web Running with both containers ready');
    const pullerId = status(before, 'puller')!.containerID;
    expect(await kubectl(['apply', '-f', file('web.yaml', manifest('web', 'podflow/web:2'))])).toMatchObject({ code: 0, out: 'pod/web configured\n' });
    const after = await eventually(async () => {
      const p = await getPod('web');
      const web = status(p, 'web');
      return web?.image === 'podflow/web:2' && web.restartCount === 1 && runningAndReady(p) && p;
    }, 60_000, 'web restarted with podflow/web:2');
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.status.podIP).toBe(before.status.podIP);
    expect(after.metadata.generation).toBe(2);
    expect(after.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(status(after, 'puller')).toMatchObject({ restartCount: 0, containerID: pullerId });
    const pods = await kubectl(['get', 'pod', 'web']);
    expect(pods.out).toMatch(/^web\s+2\/2\s+Running\s+1 \(.* ago\)\s+/m);
    // The page the puller wrote before the restart is still in the volume the new web container mounts.
    const page = await eventually(async () => {
      const res = await fetch(`http://${after.status.podIP}/`).catch(() => null);
      return res?.ok ? res.text() : null;
    }, 20_000, 'the page from the pod IP');
    expect(page.length).toBeGreaterThan(0);
    const describe = await kubectl(['describe', 'pod', 'web']);
    expect(describe.out).toMatch(/Normal\s+Killing\s+.*Container web definition changed, will be restarted/);
  });

  it('edits a label through KUBE_EDITOR', async () => {
    const editor = file('edit.sh', "#!/bin/sh\nsed -i 's/tier: front/tier: back/' \"$1\"\n");
    await run('chmod', ['+x', editor]);
    const edited = await kubectl(['edit', 'pod', 'web'], { KUBE_EDITOR: editor });
    expect(edited).toMatchObject({ code: 0, out: 'pod/web edited\n', err: '' });
    expect((await kubectl(['get', 'pod', 'web', '--show-labels'])).out).toMatch(/app=web,tier=back$/m);
  });

  it('refuses a forbidden change with Kubernetes message', async () => {
    const refused = await kubectl(['apply', '-f', file('web.yaml', manifest('web', 'podflow/web:2', '\n  restartPolicy: Never'))]);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('The Pod "web" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`');
    expect((await kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.spec.restartPolicy}'])).out).toBe('Always');
  });

  it('server-side apply: a second manager conflicts, then forces', async () => {
    expect(await kubectl(['apply', '--server-side', '-f', file('ssa.yaml', manifest('ssa', 'podflow/web:1'))])).toMatchObject({ code: 0, out: 'pod/ssa serverside-applied\n' });
    const changed = file('ssa2.yaml', manifest('ssa', 'podflow/web:2'));
    const conflict = await kubectl(['apply', '--server-side', '--field-manager=release-bot', '-f', changed]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.err).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.containers[name="web"].image');
    expect((await getPod('ssa')).spec.containers[0].image).toBe('podflow/web:1');
    expect(await kubectl(['apply', '--server-side', '--field-manager=release-bot', '--force-conflicts', '-f', changed])).toMatchObject({ code: 0, out: 'pod/ssa serverside-applied\n' });
    const forced = await getPod('ssa');
    expect(forced.spec.containers[0].image).toBe('podflow/web:2');
    expect(forced.metadata.managedFields?.map((m) => `${m.manager}/${m.operation}`).sort()).toEqual(['kubectl/Apply', 'release-bot/Apply']);
  });
});
