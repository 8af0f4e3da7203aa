/** imagePullSecrets as the kubelet reads them: registry hosts of image references, dockerconfigjson and dockercfg parsing, and matching by host. */
import { authFor, configKeyHost, pullSecretAuths, registryHost, secretAuths, type RegistryAuth } from '../../../agent/images/pull-secrets';
import { aPodSpec, aRecordedPod } from '../../helpers/factories';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const configJson = (auths: Record<string, object>) => ({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })) } });

describe('the registry of an image', () => {
  it.each([
    ['nginx', 'docker.io'],
    ['library/nginx:1.27', 'docker.io'],
    ['bitnami/redis@sha256:abc', 'docker.io'],
    ['127.0.0.1:5000/app:1', '127.0.0.1:5000'],
    ['localhost/app', 'localhost'],
    ['ghcr.io/org/app:v2', 'ghcr.io'],
    ['Registry.Example.com/app', 'registry.example.com'],
    ['index.docker.io/library/nginx', 'docker.io'],
  ])('%s is pulled from %s', (image, host) => {
    expect(registryHost(image)).toBe(host);
  });

  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['http://127.0.0.1:5000', '127.0.0.1:5000'],
    ['127.0.0.1:5000/v2/', '127.0.0.1:5000'],
    ['ghcr.io', 'ghcr.io'],
  ])('the config key %s names %s', (key, host) => {
    expect(configKeyHost(key)).toBe(host);
  });
});

describe('the credentials of a Secret', () => {
  it.each<[string, { type?: string; data: Record<string, Buffer> }, RegistryAuth[]]>([
    ['auth as base64 user:pass', configJson({ '127.0.0.1:5000': { auth: b64('u:p:with:colons') } }), [{ username: 'u', password: 'p:with:colons', serveraddress: '127.0.0.1:5000' }]],
    ['username and password', configJson({ 'https://index.docker.io/v1/': { username: 'u', password: 'p' } }), [{ username: 'u', password: 'p', serveraddress: 'docker.io' }]],
    ['auth wins over username/password', configJson({ 'r.io': { auth: b64('a:b'), username: 'u', password: 'p' } }), [{ username: 'a', password: 'b', serveraddress: 'r.io' }]],
    ['an entry without credentials is skipped', configJson({ 'r.io': { email: 'x@y' } }), []],
    ['the older dockercfg', { type: 'kubernetes.io/dockercfg', data: { '.dockercfg': Buffer.from(JSON.stringify({ 'r.io': { auth: b64('u:p') } })) } }, [{ username: 'u', password: 'p', serveraddress: 'r.io' }]],
    ['an Opaque Secret is not credentials', { type: 'Opaque', data: { '.dockerconfigjson': Buffer.from('{"auths":{}}') } }, []],
    ['malformed JSON', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{not json') } }, []],
  ])('%s', (_name, secret, expected) => {
    expect(secretAuths(secret)).toEqual(expected);
  });

  it('picks the credentials of the image’s registry, the first Secret first', () => {
    const auths: RegistryAuth[] = [
      { username: 'a', password: '1', serveraddress: 'r.io' },
      { username: 'b', password: '2', serveraddress: 'r.io' },
      { username: 'c', password: '3', serveraddress: 'docker.io' },
    ];
    expect(authFor('r.io/app:1', auths)?.username).toBe('a');
    expect(authFor('nginx', auths)?.username).toBe('c');
    expect(authFor('other.io/app', auths)).toBeUndefined();
  });

  it('reads the pod’s imagePullSecrets in its namespace and names those it cannot use', async () => {
    const pod = aRecordedPod({ name: 'p', uid: 'u', namespace: 'team', spec: aPodSpec({ imagePullSecrets: [{ name: 'regcred' }, { name: 'missing' }, { name: 'opaque' }] }) });
    const read: string[] = [];
    const secrets = {
      secret: async (ns: string, name: string) => {
        read.push(`${ns}/${name}`);
        if (name === 'regcred') return configJson({ 'r.io': { auth: b64('u:p') } });
        if (name === 'opaque') return { type: 'Opaque', data: {} };
        return undefined;
      },
    };
    expect(await pullSecretAuths(pod, secrets)).toEqual({ auths: [{ username: 'u', password: 'p', serveraddress: 'r.io' }], unusable: ['missing', 'opaque'] });
    expect(read).toEqual(['team/regcred', 'team/missing', 'team/opaque']);
  });
});
