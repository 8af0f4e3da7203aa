import { nonRootViolation } from '../../../agent/sync/non-root';
import type { Container } from '../../../shared/pod/schema';
import { aRecordedPod } from '../../helpers/factories';

describe('runAsNonRoot, as the kubelet verifies it', () => {
  const pod = aRecordedPod({ name: 'p', uid: 'u1' });
  const c = (securityContext: Container['securityContext']): Container => ({ name: 'app', image: 'i', securityContext });
  it.each<[string, Container['securityContext'], string, string | null]>([
    ['not asked for', {}, '', null],
    ['image runs as root', { runAsNonRoot: true }, '', 'container has runAsNonRoot and image will run as root (pod: "p_default(u1)", container: app)'],
    ['image user 0:0', { runAsNonRoot: true }, '0:0', 'container has runAsNonRoot and image will run as root (pod: "p_default(u1)", container: app)'],
    ['image user by name', { runAsNonRoot: true }, 'nobody', 'container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root (pod: "p_default(u1)", container: app)'],
    ['image user 1000', { runAsNonRoot: true }, '1000', null],
    ['runAsUser 1000 over a root image', { runAsNonRoot: true, runAsUser: 1000 }, '', null],
    ['runAsUser 0', { runAsNonRoot: true, runAsUser: 0 }, '1000', 'container\'s runAsUser breaks non-root policy (pod: "p_default(u1)", container: app)'],
  ])('%s', (_name, sc, imageUser, expected) => {
    expect(nonRootViolation(pod, c(sc), imageUser)).toBe(expected);
  });
});
