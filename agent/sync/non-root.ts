/**
 * runAsNonRoot as the kubelet's verifyRunAsNonRoot enforces it, just before a
 * container is created: with runAsNonRoot set (on the container or the pod),
 * a runAsUser of 0, or no runAsUser and an image that runs as root, or an
 * image user that is a name (which cannot be checked), keeps the container in
 * CreateContainerConfigError with kubelet's message. Pure.
 */
import type { Container, Pod } from '../../shared/pod/schema';

/** Why the container may not run, or null. `imageUser` is the image's USER ('' = root). */
export function nonRootViolation(pod: Pod, container: Container, imageUser: string): string | null {
  const sc = container.securityContext;
  const podSc = pod.spec.securityContext;
  if ((sc?.runAsNonRoot ?? podSc?.runAsNonRoot) !== true) return null;
  const ref = `(pod: "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})", container: ${container.name})`;
  const runAsUser = sc?.runAsUser ?? podSc?.runAsUser;
  if (runAsUser !== undefined) return runAsUser === 0 ? `container's runAsUser breaks non-root policy ${ref}` : null;
  const user = imageUser.split(':')[0] ?? '';
  if (user === '' || user === 'root' || user === '0') return `container has runAsNonRoot and image will run as root ${ref}`;
  if (!/^\d+$/.test(user)) return `container has runAsNonRoot and image has non-numeric user (${user}), cannot verify user is non-root ${ref}`;
  return null;
}
