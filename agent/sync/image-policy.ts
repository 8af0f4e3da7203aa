/**
 * imagePullPolicy with Kubernetes' defaults: Always when the tag is `latest` or
 * missing (and no digest), IfNotPresent otherwise; and what each policy means
 * for an image that is or is not on the node. Pure.
 */
import type { Container } from '../../shared/pod/schema';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** The tag of an image reference, or undefined; a registry port ("host:5000/x") is not a tag. */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : undefined;
}

export function effectivePullPolicy(container: Pick<Container, 'image' | 'imagePullPolicy'>): PullPolicy {
  if (container.imagePullPolicy) return container.imagePullPolicy;
  if (container.image.includes('@')) return 'IfNotPresent';
  const tag = imageTag(container.image);
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export type ImageStep = 'use-local' | 'pull' | 'never-pull-missing';

export function imageStep(policy: PullPolicy, present: boolean): ImageStep {
  switch (policy) {
    case 'Always':
      return 'pull';
    case 'IfNotPresent':
      return present ? 'use-local' : 'pull';
    case 'Never':
      return present ? 'use-local' : 'never-pull-missing';
    default: {
      const unreachable: never = policy;
      throw new Error(`unknown pull policy ${String(unreachable)}`);
    }
  }
}
