/**
 * Real-world manifests, written as a user of nginx, redis, postgres and a
 * log-shipper sidecar would have them (test/fixtures/real-world/), applied to
 * the API as kubectl applies them (fieldValidation=Strict): each one is
 * accepted, or refused with a cause that names the field, and none crashes
 * the API. What is accepted but not enforced comes back as Warning headers;
 * node affinity is enforced by the real scheduler.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { eventually, startControlPlane, type ControlPlane } from '../../helpers/control-plane';
import { heartbeat, TOPICS } from '../../helpers/events';

jest.setTimeout(120_000);

const FIXTURES = path.join(__dirname, '../../fixtures/real-world');

interface Outcome {
  code: number;
  /** For a refusal: text the answer's message must contain (the field that podflow does not serve or allow). */
  names?: string[];
  warnings?: string[];
}

const expected: Record<string, Outcome> = {
  // The service account token that kubelet projects: podflow has no service accounts.
  'nginx.yaml': { code: 422, names: ['spec.volumes[0].projected.sources[0].serviceAccountToken'] },
  'redis.yaml': { code: 201 },
  'postgres.yaml': { code: 201 },
  'log-shipper.yaml': { code: 201, warnings: [] },
  'hostile.yaml': {
    code: 422,
    names: ['spec.hostPID', 'spec.hostNetwork', 'spec.containers[0].securityContext.privileged', 'spec.containers[0].securityContext.capabilities.add[0]', 'spec.volumes[0].hostPath'],
  },
};

describe('real-world manifests against the API', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
  }, 120_000);
  afterAll(() => cp?.stop());

  it.each(Object.keys(expected))('%s is accepted or refused with a cause, never a crash', async (file) => {
    const manifest = parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as { metadata: { name: string } };
    const res = await fetch(`${cp.api.url}/api/v1/namespaces/default/pods?fieldValidation=Strict&fieldManager=kubectl-client-side-apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cp.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(manifest),
    });
    const body = (await res.json()) as { kind: string; message?: string; metadata: { name: string } };
    const want = expected[file];
    expect({ file, code: res.status }).toEqual({ file, code: want.code });
    for (const name of want.names ?? []) expect(body.message).toContain(name);
    if (want.code === 201) {
      expect(body.metadata.name).toBe(manifest.metadata.name);
      if (want.warnings) expect(res.headers.get('warning') ?? '').toBe(want.warnings.join(', '));
    } else {
      expect(body.kind).toBe('Status');
    }
  });

  it('answers with the Warnings of the fields it does not enforce', async () => {
    const manifest = parse(readFileSync(path.join(FIXTURES, 'postgres.yaml'), 'utf8')) as { metadata: { name: string } };
    manifest.metadata.name = `${manifest.metadata.name}-warned`;
    const res = await fetch(`${cp.api.url}/api/v1/namespaces/default/pods?fieldValidation=Strict`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cp.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(manifest),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toBe(
      [
        'spec.affinity.podAntiAffinity is not enforced by podflow: only node affinity, nodeSelector and nodeName place pods',
        'spec.securityContext.fsGroup is not enforced by podflow',
        'spec.securityContext.fsGroupChangePolicy is not enforced by podflow',
        'spec.securityContext.seccompProfile is not enforced by podflow',
        'spec.containers[0].securityContext.seccompProfile is not enforced by podflow',
      ]
        .map((w) => `299 - "${w}"`)
        .join(', '),
    );
  });

  it('places a pod by its required node affinity, and says why when no node matches (the real scheduler)', async () => {
    const suffix = Math.random().toString(16).slice(2, 8);
    const [ssd, hdd] = [`aff-ssd-${suffix}`, `aff-hdd-${suffix}`];
    await cp.publisher.publish(TOPICS.nodeHeartbeats, [heartbeat(ssd, { labels: { disk: 'ssd', pool: suffix } }), heartbeat(hdd, { labels: { disk: 'hdd', pool: suffix } })]);
    await eventually(async () => (await cp.stores.nodeStore.get(ssd)) && (await cp.stores.nodeStore.get(hdd)), 15_000, 'both nodes');
    const pod = (name: string, values: string[]) => ({
      metadata: { name },
      spec: {
        containers: [{ name: 'app', image: 'podflow/base:1' }],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: [suffix] }, { key: 'disk', operator: 'In', values }] }],
            },
          },
        },
      },
    });
    expect((await cp.request('POST', '/api/v1/namespaces/default/pods', pod(`wants-ssd-${suffix}`, ['ssd']))).status).toBe(201);
    const placed = await eventually(async () => (await cp.stores.podStore.get('default', `wants-ssd-${suffix}`))?.nodeName, 15_000, 'the pod bound');
    expect(placed).toBe(ssd);

    expect((await cp.request('POST', '/api/v1/namespaces/default/pods', pod(`wants-nvme-${suffix}`, ['nvme']))).status).toBe(201);
    const condition = await eventually(async () => (await cp.stores.podStore.get('default', `wants-nvme-${suffix}`))?.pod.status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'), 15_000, 'Unschedulable');
    expect(condition.message).toMatch(/^0\/\d+ nodes are available: .*\d+ node\(s\) didn't match Pod's node affinity\/selector/);
  });
});
