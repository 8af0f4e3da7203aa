import { formatInvalidManifest } from '../../../bin/podctl/apply/invalid';
import { containsAll, planApply } from '../../../bin/podctl/apply/plan';
import type { KubeObject } from '../../../shared/display/kube-types';
import { ManifestError, locateField, parseFieldPath, parseManifests } from '../../../bin/podctl/manifest/documents';

const POD_YAML = `# a privileged pod
apiVersion: v1
kind: Pod
metadata:
  name: bad
  labels:
    app: web
spec:
  containers:
  - name: app
    image: podflow/web:1
  - name: sidecar
    image: podflow/base:1
    securityContext:
      privileged: true
---
apiVersion: v1
kind: ReplicationController
metadata:
  name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: app
          image: podflow/web:1
`;

const JSON_POD = `{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": { "name": "j" },
  "spec": {
    "containers": [
      { "name": "app",
        "image": "" }
    ]
  }
}`;

describe('parseManifests', () => {
  it('reads every --- separated document with the line it starts on', () => {
    const manifests = parseManifests({ name: 'pods.yaml', text: POD_YAML });
    expect(manifests.map((m) => [m.object.kind, m.object.metadata.name, m.line])).toEqual([
      ['Pod', 'bad', 2],
      ['ReplicationController', 'web', 17],
    ]);
  });

  it('spreads a List into its items', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n- kind: Pod\n  metadata: {name: b}\n';
    expect(parseManifests({ name: 'list.yaml', text }).map((m) => [m.object.metadata.name, m.line])).toEqual([
      ['a', 4],
      ['b', 6],
    ]);
  });

  it('skips empty documents', () => {
    expect(parseManifests({ name: 'x.yaml', text: '---\n---\nkind: Pod\nmetadata: {name: a}\n---\n' })).toHaveLength(1);
  });

  it('names the source of a syntax error', () => {
    expect(() => parseManifests({ name: 'broken.yaml', text: 'kind: Pod\nmetadata: [unclosed\n' })).toThrow(ManifestError);
    expect(() => parseManifests({ name: 'broken.yaml', text: 'kind: Pod\nmetadata: [unclosed\n' })).toThrow(/^error parsing broken.yaml: /);
  });
});

describe('parseFieldPath', () => {
  it.each([
    ['spec.containers[0].securityContext.privileged', ['spec', 'containers', 0, 'securityContext', 'privileged']],
    ['spec.containers.1.image', ['spec', 'containers', 1, 'image']],
    ['metadata.labels[app.kubernetes.io/name]', ['metadata', 'labels', 'app.kubernetes.io/name']],
  ])('splits %s', (field, expected) => {
    expect(parseFieldPath(field)).toEqual(expected);
  });
});

describe('locateField', () => {
  const [pod, rc] = parseManifests({ name: 'pods.yaml', text: POD_YAML });
  it.each([
    ['a nested field to the line of its key', pod, 'spec.containers[1].securityContext.privileged', { line: 15, exact: true }],
    ['a list item to the line of its dash', pod, 'spec.containers[1]', { line: 12, exact: true }],
    ['a field of the second document to its own line', rc, 'spec.template.spec.containers[0].image', { line: 27, exact: true }],
    ['a missing field to its nearest present parent', pod, 'spec.containers[0].resources.limits', { line: 10, exact: false }],
  ])('traces %s', (_name, manifest, field, expected) => {
    expect(locateField(manifest, field)).toMatchObject(expected);
  });

  it('traces a field in a JSON manifest too', () => {
    const [json] = parseManifests({ name: 'pod.json', text: JSON_POD });
    expect(locateField(json, 'spec.containers[0].image')).toMatchObject({ line: 8, exact: true });
  });
});

describe('formatInvalidManifest', () => {
  it('prints the kubectl message and FILE:LINE for each cause', () => {
    const [pod] = parseManifests({ name: 'examples/bad.yaml', text: POD_YAML });
    const text = formatInvalidManifest(
      {
        code: 422,
        reason: 'Invalid',
        details: {
          kind: 'Pod',
          name: 'bad',
          causes: [
            { reason: 'FieldValueForbidden', message: 'Forbidden: disallowed by cluster policy', field: 'spec.containers[1].securityContext.privileged' },
            { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].resources.limits' },
          ],
        },
      },
      pod,
    );
    expect(text).toBe(
      [
        'The Pod "bad" is invalid: ',
        '* spec.containers[1].securityContext.privileged: Forbidden: disallowed by cluster policy',
        '* spec.containers[0].resources.limits: Required value',
        '  examples/bad.yaml:15: spec.containers[1].securityContext.privileged',
        '  examples/bad.yaml:10: spec.containers[0].resources.limits (not set in the file; nearest enclosing field)',
      ].join('\n'),
    );
  });
});

describe('planApply', () => {
  const manifest = (spec: object, labels?: Record<string, string>, kind = 'Pod'): KubeObject =>
    ({ apiVersion: 'v1', kind, metadata: { name: 'web', ...(labels ? { labels } : {}) }, spec }) as KubeObject;
  const served = (spec: object, labels?: Record<string, string>, kind = 'Pod'): KubeObject =>
    ({ apiVersion: 'v1', kind, metadata: { name: 'web', namespace: 'default', uid: 'u', labels }, spec, status: { phase: 'Running' } }) as KubeObject;
  const containers = [{ name: 'app', image: 'podflow/web:1', resources: { requests: { cpu: '500m' } } }];

  it('creates a missing object in the target namespace without its status', () => {
    const plan = planApply({ ...manifest({ containers }), status: { phase: 'Running' } }, undefined, 'team-a');
    expect(plan).toEqual({ action: 'create', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team-a' }, spec: { containers } } });
  });

  it('leaves a pod unchanged when the server only added defaults and wrote 500m as 0.5', () => {
    const withDefaults = { containers: [{ ...containers[0], imagePullPolicy: 'IfNotPresent', resources: { requests: { cpu: '0.5' } } }], restartPolicy: 'Always' };
    expect(planApply(manifest({ containers }), served(withDefaults), 'default')).toEqual({ action: 'unchanged' });
  });

  it('merge-patches a pod that differs (the server decides what may change in place)', () => {
    const plan = planApply(manifest({ containers: [{ name: 'app', image: 'podflow/web:2' }] }), served({ containers }), 'default');
    expect(plan).toMatchObject({ action: 'patch', patch: { spec: { containers: [{ name: 'app', image: 'podflow/web:2' }] } } });
  });

  it('merge-patches a replication controller whose replicas or labels differ', () => {
    const plan = planApply(manifest({ replicas: 5 }, { app: 'web' }, 'ReplicationController'), served({ replicas: 3 }, { app: 'web' }, 'ReplicationController'), 'default');
    expect(plan).toEqual({ action: 'patch', patch: { metadata: { labels: { app: 'web' } }, spec: { replicas: 5 } } });
  });

  it.each([
    ['a list of another length differs', { a: [1] }, { a: [1, 2] }, false],
    ['a missing object differs', { a: { b: 1 } }, {}, false],
    ['an extra served field does not', { a: 1 }, { a: 1, b: 2 }, true],
    ['a number equals its string form', { replicas: 2 }, { replicas: '2' }, true],
    ['1Gi equals 1024Mi', { m: '1Gi' }, { m: '1024Mi' }, true],
  ])('containsAll: %s', (_name, desired, actual, expected) => {
    expect(containsAll(desired, actual)).toBe(expected);
  });
});
