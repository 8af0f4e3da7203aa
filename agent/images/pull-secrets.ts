/**
 * Registry credentials from a pod's `imagePullSecrets`, as the kubelet finds
 * them: Secrets of type `kubernetes.io/dockerconfigjson` (`.dockerconfigjson`,
 * `{"auths": {"HOST": {"auth": base64("user:pass")} | {"username", "password"}}}`)
 * or the older `kubernetes.io/dockercfg` (`.dockercfg`, the map of hosts
 * itself), matched to an image by its registry host. The parsing and matching
 * are pure; reading the Secrets goes through the agent's cache of them.
 * Credentials stay in memory and never reach a log or an event.
 */
import { z } from 'zod';
import type { Pod } from '../../shared/pod/schema';

/** What Docker's pull takes as `authconfig`. */
export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

/** The Secrets the agent can read (agent/config-objects/cache.ts). */
export interface SecretSource {
  secret(namespace: string, name: string): Promise<{ type?: string; data: Record<string, Buffer> } | undefined>;
}

export interface PullAuths {
  auths: RegistryAuth[];
  /** Named Secrets that do not exist or are not registry credentials: the pull goes on without them, as the kubelet's. */
  unusable: string[];
}

const DOCKER_HUB = 'docker.io';
const HUB_ALIASES = ['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];

/** The registry host an image is pulled from (Docker's reference rules: a first part with '.', ':' or `localhost` is a host). */
export function registryHost(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return DOCKER_HUB;
  const first = image.slice(0, slash);
  if (!first.includes('.') && !first.includes(':') && first !== 'localhost') return DOCKER_HUB;
  return HUB_ALIASES.includes(first.toLowerCase()) ? DOCKER_HUB : first.toLowerCase();
}

/** A config key (`https://index.docker.io/v1/`, `http://127.0.0.1:5000`, `ghcr.io`) as a host. */
export function configKeyHost(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').split('/')[0].toLowerCase();
  return HUB_ALIASES.includes(host) ? DOCKER_HUB : host;
}

const entry = z.object({ auth: z.string().optional(), username: z.string().optional(), password: z.string().optional() });
const dockerConfigJson = z.object({ auths: z.record(z.string(), entry) });
const dockerCfg = z.record(z.string(), entry);

/** The credentials of one Secret, by host; empty when the Secret is not registry credentials or cannot be parsed. */
export function secretAuths(secret: { type?: string; data: Record<string, Buffer> }): RegistryAuth[] {
  let hosts: Record<string, z.infer<typeof entry>> | undefined;
  try {
    if (secret.type === 'kubernetes.io/dockerconfigjson' && secret.data['.dockerconfigjson']) {
      hosts = dockerConfigJson.parse(JSON.parse(secret.data['.dockerconfigjson'].toString('utf8'))).auths;
    } else if (secret.type === 'kubernetes.io/dockercfg' && secret.data['.dockercfg']) {
      hosts = dockerCfg.parse(JSON.parse(secret.data['.dockercfg'].toString('utf8')));
    }
  } catch {
    return [];
  }
  const out: RegistryAuth[] = [];
  for (const [key, e] of Object.entries(hosts ?? {})) {
    let { username, password } = e;
    if (e.auth) {
      const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    }
    if (username && password !== undefined) out.push({ username, password, serveraddress: configKeyHost(key) });
  }
  return out;
}

/** The credentials for an image: the first of the pod's Secrets (in their order) for its registry host. */
export function authFor(image: string, auths: readonly RegistryAuth[]): RegistryAuth | undefined {
  const host = registryHost(image);
  return auths.find((a) => a.serveraddress === host);
}

/** Reads the pod's imagePullSecrets through the agent's Secrets. */
export async function pullSecretAuths(pod: Pod, secrets: SecretSource): Promise<PullAuths> {
  const names = (pod.spec.imagePullSecrets ?? []).map((s) => s.name).filter((n): n is string => !!n);
  const auths: RegistryAuth[] = [];
  const unusable: string[] = [];
  for (const name of names) {
    const secret = await secrets.secret(pod.metadata.namespace ?? 'default', name).catch(() => undefined);
    const found = secret ? secretAuths(secret) : [];
    if (found.length === 0) unusable.push(name);
    auths.push(...found);
  }
  return { auths, unusable };
}

/** The ExecuteContext's `pullAuths` over the agent's Secrets. */
export const pullAuthsFrom = (secrets: SecretSource) => (pod: Pod): Promise<PullAuths> => pullSecretAuths(pod, secrets);
