/**
 * The agent's pull against a real registry (Debian's docker-registry with
 * htpasswd auth, test/helpers/registry.ts): credentials parsed from a
 * dockerconfigjson Secret and matched by host pull the image; no credentials
 * or wrong ones fail with the registry's refusal.
 */
import Docker from 'dockerode';
import { authFor, secretAuths } from '../../../agent/images/pull-secrets';
import { DockerRuntime } from '../../../agent/runtime/docker';
import { startRegistry, type TestRegistry } from '../../helpers/registry';

jest.setTimeout(120_000);

describe('pulling from a registry that needs credentials', () => {
  const docker = new Docker();
  const runtime = new DockerRuntime({ network: 'podflow' });
  let registry: TestRegistry;
  let image: string;
  const secret = (json: string) => ({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(json) } });

  beforeAll(async () => {
    registry = await startRegistry();
    image = await registry.push('podflow/base:1', 'pf-pull/base:1');
  });
  afterAll(async () => {
    await docker.getImage(image).remove({ noprune: true }).catch(() => undefined);
    await registry?.stop();
  });

  it('refuses a pull without credentials, and one with a wrong password', async () => {
    expect(await runtime.imagePresent(image)).toBe(false);
    await expect(runtime.pullImage(image)).rejects.toThrow(/^Error response from daemon: Head "http:\/\/127\.0\.0\.1:\d+\/v2\/pf-pull\/base\/manifests\/1": no basic auth credentials$/);
    const wrong = authFor(image, secretAuths(secret(registry.dockerConfigJson(registry.username, 'wrong'))));
    expect(wrong?.serveraddress).toBe(registry.host);
    await expect(runtime.pullImage(image, wrong)).rejects.toThrow(/unauthorized|authentication required/);
    expect(await runtime.imagePresent(image)).toBe(false);
  });

  it('pulls with the credentials of a dockerconfigjson Secret for that registry', async () => {
    const auth = authFor(image, secretAuths(secret(registry.dockerConfigJson())));
    await runtime.pullImage(image, auth);
    expect(await runtime.imagePresent(image)).toBe(true);
  });
});
