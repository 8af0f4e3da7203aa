/**
 * Real-world manifests, written as a user of nginx, redis, postgres and a
 * log-shipper sidecar would have them (test/fixtures/real-world/), applied to
 * the API as kubectl applies them (fieldValidation=Strict): each one is
 * accepted, or refused with a cause that names the field, and none crashes
 * the API. What is accepted but not enforced comes back as Warning headers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { startControlPlane, type ControlPlane } from '../../helpers/control-plane';

jest.setTimeout(120_000);

const FIXTURES = path.join(__dirname, '../../fixtures/real-world');

interface Outcome {
  code: number;
  /** For a refusal: text the answer's message must contain (the field that podflow does not serve or allow). */
  names?: string[];
  warnings?: string[];
}

const expected: Record<string, Outcome> = {
  // The service account token volume kubelet injects is a projected volume: not served yet.
  'nginx.yaml': { code: 400, names: ['spec.volumes[0].projected'] },
  'redis.yaml': { code: 400, names: ['spec.volumes[1].configMap'] },
  'postgres.yaml': { code: 400, names: ['spec.containers[0].env[1].valueFrom.secretKeyRef'] },
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
      expect(res.headers.get('warning') ?? '').toBe((want.warnings ?? []).join(', '));
    } else {
      expect(body.kind).toBe('Status');
    }
  });

  it('answers with the Warnings of the fields it does not enforce', async () => {
    const manifest = parse(readFileSync(path.join(FIXTURES, 'postgres.yaml'), 'utf8')) as { metadata: { name: string }; spec: { containers: { env: unknown[] }[] } };
    manifest.spec.containers[0].env = [{ name: 'POSTGRES_PASSWORD', value: 'only-in-a-test' }]; // no Secrets yet: a literal
    const res = await fetch(`${cp.api.url}/api/v1/namespaces/default/pods?fieldValidation=Strict`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cp.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(manifest),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toBe(
      [
        'spec.affinity is not enforced by podflow: only nodeSelector and nodeName place pods',
        'spec.securityContext.fsGroup is not enforced by podflow',
        'spec.securityContext.fsGroupChangePolicy is not enforced by podflow',
        'spec.securityContext.seccompProfile is not enforced by podflow',
        'spec.containers[0].securityContext.seccompProfile is not enforced by podflow',
      ]
        .map((w) => `299 - "${w}"`)
        .join(', '),
    );
  });
});
