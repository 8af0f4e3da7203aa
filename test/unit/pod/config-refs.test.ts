/** How a pod's references to ConfigMaps and Secrets resolve on the node, and the API's rules for them. */
import { configEnv, configRefCauses, configVolumeFiles, referencedObjects, type ConfigLookup } from '../../../shared/pod/config-refs';
import { containerEnv } from '../../../agent/runtime/container-config';
import type { Container, Pod, Volume } from '../../../shared/pod/schema';

const objects: Record<string, Record<string, string>> = {
  'ConfigMap/app': { color: 'blue', size: '10' },
  'Secret/db': { password: 's3cret' },
};
const lookup: ConfigLookup = {
  get: (kind, name) => {
    const o = objects[`${kind}/${name}`];
    return o && Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Buffer.from(v)]));
  },
};
const pod = (container: Partial<Container>, volumes: Volume[] = []): Pod =>
  ({ metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [{ name: 'c', image: 'x', ...container }], volumes } }) as unknown as Pod;

describe('configEnv', () => {
  it.each([
    ['a ConfigMap key', { env: [{ name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'app', key: 'color' } } }] }, { fromSources: [], values: { COLOR: 'blue' } }],
    ['a Secret key', { env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] }, { fromSources: [], values: { PW: 's3cret' } }],
    ['an optional missing key', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'app', key: 'nope', optional: true } } }] }, { fromSources: [], values: {} }],
    ['an optional missing object', { envFrom: [{ secretRef: { name: 'none', optional: true } }] }, { fromSources: [], values: {} }],
    ['every key with a prefix', { envFrom: [{ prefix: 'APP_', configMapRef: { name: 'app' } }] }, { fromSources: [['APP_color', 'blue'], ['APP_size', '10']], values: {} }],
  ] as [string, Partial<Container>, unknown][])('%s', (_name, container, want) => {
    expect(configEnv(pod(container), pod(container).spec.containers[0], lookup)).toEqual({ ok: true, value: want });
  });

  it.each([
    ['a missing ConfigMap', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }] }, 'configmap "gone" not found'],
    ['a missing Secret in envFrom', { envFrom: [{ secretRef: { name: 'gone' } }] }, 'secret "gone" not found'],
    ['a missing key', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db', key: 'user' } } }] }, "couldn't find key user in Secret default/db"],
  ] as [string, Partial<Container>, string][])('%s is the kubelet\'s error', (_name, container, message) => {
    expect(configEnv(pod(container), pod(container).spec.containers[0], lookup)).toEqual({ ok: false, message });
  });

  it('lets env override envFrom, and leaves an unresolved optional variable unset', () => {
    const container = { name: 'c', image: 'x', env: [{ name: 'APP_color', value: 'red' }, { name: 'GONE', valueFrom: { configMapKeyRef: { name: 'app', key: 'nope', optional: true } } }] } as Container;
    expect(containerEnv(container, {}, [['APP_color', 'blue'], ['APP_size', '10']])).toEqual(['APP_color=red', 'APP_size=10']);
  });
});

describe('configVolumeFiles', () => {
  const ctx = { allocatable: { cpu: '1', memory: '1Gi' } };
  const files = (v: Volume) => {
    const r = configVolumeFiles(pod({}, [v]), v, lookup, ctx);
    return r.ok ? r.value.map((f) => [f.path, f.content.toString(), f.mode.toString(8)]) : r.message;
  };
  it.each([
    ['every key of a ConfigMap', { name: 'v', configMap: { name: 'app' } }, [['color', 'blue', '644'], ['size', '10', '644']]],
    ['listed items with modes', { name: 'v', secret: { secretName: 'db', defaultMode: 0o400, items: [{ key: 'password', path: 'pw/file' }] } }, [['pw/file', 's3cret', '400']]],
    ['an optional missing object', { name: 'v', configMap: { name: 'none', optional: true } }, []],
    ['a missing object', { name: 'v', secret: { secretName: 'none' } }, 'MountVolume.SetUp failed for volume "v" : secret "none" not found'],
    ['a missing item key', { name: 'v', configMap: { name: 'app', items: [{ key: 'nope', path: 'n' }] } }, 'MountVolume.SetUp failed for volume "v" : configmap references non-existent config key: nope'],
    [
      'a projection of both and the pod name',
      { name: 'v', projected: { defaultMode: 0o440, sources: [{ configMap: { name: 'app', items: [{ key: 'size', path: 's' }] } }, { secret: { name: 'db' } }, { downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
      [['s', '10', '440'], ['password', 's3cret', '440'], ['n', 'p', '440']],
    ],
  ] as [string, Volume, unknown][])('%s', (_name, volume, want) => {
    expect(files(volume)).toEqual(want);
  });
});

describe('the API rules and the references a pod makes', () => {
  it.each([
    ['a key ref without a name', { containers: [{ name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { key: 'k' } } }] }] }, ['spec.containers[0].env[0].valueFrom.configMapKeyRef.name']],
    ['an envFrom with both refs', { containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'a' }, secretRef: { name: 'b' } }] }] }, ['spec.containers[0].envFrom[0]']],
    ['an item path with ..', { volumes: [{ name: 'v', secret: { secretName: 's', items: [{ key: 'k', path: '../x' }] } }] }, ['spec.volumes[0].secret.items[0].path']],
    ['a service account token', { volumes: [{ name: 'v', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }] }, ['spec.volumes[0].projected.sources[0].serviceAccountToken']],
    ['good references', { containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'a' } }] }], volumes: [{ name: 'v', configMap: { name: 'a', items: [{ key: 'k', path: 'p' }] } }] }, []],
  ])('%s', (_name, spec, fields) => {
    expect(configRefCauses(spec).map((c) => c.field)).toEqual(fields);
  });

  it('lists each object a pod names once', () => {
    const p = pod({ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'app', key: 'k' } } }], envFrom: [{ configMapRef: { name: 'app' } }] }, [{ name: 'v', secret: { secretName: 'db' } } as Volume]);
    expect(referencedObjects(p)).toEqual([{ kind: 'ConfigMap', name: 'app' }, { kind: 'Secret', name: 'db' }]);
  });
});
