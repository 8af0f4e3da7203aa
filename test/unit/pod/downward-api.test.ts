/** The downward API's values and rules, as the kubelet renders and the API server validates them. */
import { downwardCauses, downwardEnv, downwardFiles, fieldValue, resourceValue } from '../../../shared/pod/downward-api';
import { validatePodManifest } from '../../../shared/pod/validate';
import type { Pod } from '../../../shared/pod/schema';
import { aRecordedPod } from '../../helpers/factories';

const ctx = { podIP: '10.0.0.5', hostIP: '192.168.1.2', allocatable: { cpu: '2', memory: '4Gi' } };
const base = aRecordedPod({ name: 'web', uid: 'u1', nodeName: 'n1' });
const pod: Pod = {
  ...base,
  metadata: { ...base.metadata, labels: { tier: 'front', app: 'web' }, annotations: { note: 'a "quoted" value' } },
  spec: { ...base.spec, containers: [{ name: 'app', image: 'i', resources: { limits: { cpu: '250m', memory: '64Mi' } } }, { name: 'free', image: 'i' }] },
};

describe('downward API values', () => {
  it.each<[string, string]>([
    ['metadata.name', 'web'],
    ['metadata.namespace', 'default'],
    ['metadata.uid', 'u1'],
    ["metadata.labels['tier']", 'front'],
    ["metadata.labels['missing']", ''],
    ['metadata.labels', 'app="web"\ntier="front"'],
    ['metadata.annotations', 'note="a \\"quoted\\" value"'],
    ['spec.nodeName', 'n1'],
    ['status.podIP', '10.0.0.5'],
    ['status.hostIP', '192.168.1.2'],
  ])('%s', (field, value) => {
    expect(fieldValue(pod, field, ctx)).toBe(value);
  });

  it.each<[string, string | undefined, string, string]>([
    ['limits.cpu', undefined, 'app', '1'],
    ['limits.cpu', '1m', 'app', '250'],
    ['limits.memory', '1Mi', 'app', '64'],
    ['limits.memory', undefined, 'app', String(64 * 1024 * 1024)],
    ['limits.cpu', '1m', 'free', '2000'],
    ['requests.memory', '1Mi', 'app', '64'],
    ['requests.cpu', undefined, 'free', '0'],
  ])('%s with divisor %s of %s', (resource, divisor, container, value) => {
    expect(resourceValue(pod, pod.spec.containers.find((c) => c.name === container), resource, divisor, ctx)).toBe(value);
  });

  it('resolves env and volume files', () => {
    const c = { name: 'app', image: 'i', env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }, { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } }] };
    expect(downwardEnv({ ...pod, spec: { ...pod.spec, containers: [{ ...pod.spec.containers[0], ...c }] } }, { ...pod.spec.containers[0], ...c }, ctx)).toEqual({ POD_IP: '10.0.0.5', MEM: '64' });
    expect(downwardFiles(pod, { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'sub/cpu', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' }, mode: 0o600 }] } }, ctx)).toEqual([
      { path: 'labels', content: 'app="web"\ntier="front"', mode: 0o644 },
      { path: 'sub/cpu', content: '250', mode: 0o600 },
    ]);
  });
});

describe('downward API rules', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown env field', { containers: [{ name: 'a', image: 'i', env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.hostname' } } }] }] }, 'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.hostname"'],
    ['a whole label map in env', { containers: [{ name: 'a', image: 'i', env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } }] }] }, 'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "metadata.labels"'],
    ['value and valueFrom', { containers: [{ name: 'a', image: 'i', env: [{ name: 'X', value: 'v', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] }, 'spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty'],
    ['status.podIP in a volume', { volumes: [{ name: 'v', downwardAPI: { items: [{ path: 'ip', fieldRef: { fieldPath: 'status.podIP' } }] } }], containers: [{ name: 'a', image: 'i' }] }, 'spec.volumes[0].downwardAPI.items[0].fieldRef.fieldPath: Unsupported value: "status.podIP"'],
    ['a volume resource without a container', { volumes: [{ name: 'v', downwardAPI: { items: [{ path: 'cpu', resourceFieldRef: { resource: 'limits.cpu' } }] } }], containers: [{ name: 'a', image: 'i' }] }, 'spec.volumes[0].downwardAPI.items[0].resourceFieldRef.containerName: Required value'],
    ['a path with ..', { volumes: [{ name: 'v', downwardAPI: { items: [{ path: '../x', fieldRef: { fieldPath: 'metadata.name' } }] } }], containers: [{ name: 'a', image: 'i' }] }, "spec.volumes[0].downwardAPI.items[0].path: Invalid value: \"../x\": must be a relative path without '..'"],
  ])('%s', (_name, spec, expected) => {
    const v = validatePodManifest({ metadata: { name: 'p' }, spec });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.causes.map((c) => `${c.field}: ${c.message}`)).toContainEqual(expect.stringContaining(expected));
  });

  it('accepts the supported set', () => {
    expect(downwardCauses({ containers: [{ name: 'a', env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['x']" } } }] }], volumes: [{ name: 'v', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }] })).toEqual([]);
  });
});
