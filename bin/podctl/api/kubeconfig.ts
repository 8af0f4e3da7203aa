/**
 * Where podctl finds its cluster: `--kubeconfig`, else every file of
 * `$KUBECONFIG` merged as kubectl merges them, else the nearest
 * `.podflow/kubeconfig` above the working directory (what `npm start` writes),
 * else `~/.kube/config`. `--server`, `--token`, `--context` and `-n` override
 * what the files say.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

export interface Connection {
  server: string;
  token?: string;
  namespace: string;
  /** PEM of the CA that signs an https server's certificate (kubeconfig certificate-authority[-data]). */
  caPem?: string;
  /** kubeconfig insecure-skip-tls-verify. */
  insecureSkipTlsVerify?: boolean;
  /** The kubeconfig file used, if any: shown in errors. */
  source?: string;
}

export interface ConnectionFlags {
  kubeconfig?: string;
  context?: string;
  server?: string;
  token?: string;
  namespace?: string;
}

export interface KubeconfigFile {
  clusters?: {
    name: string;
    cluster?: { server?: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string; 'insecure-skip-tls-verify'?: boolean };
  }[];
  users?: { name: string; user?: { token?: string } }[];
  contexts?: { name: string; context?: { cluster?: string; user?: string; namespace?: string } }[];
  'current-context'?: string;
}

export class ConfigError extends Error {}

/**
 * Merges kubeconfig files as kubectl does for a `$KUBECONFIG` list: the first
 * file to name a cluster, user or context wins it, and the first file to set
 * `current-context` sets it. Relative file references (`certificate-authority`)
 * are resolved against the file that holds them. Pure: texts in, one config out.
 */
export function mergeKubeconfigs(files: { path: string; text: string }[]): KubeconfigFile {
  const merged: Required<Pick<KubeconfigFile, 'clusters' | 'users' | 'contexts'>> & KubeconfigFile = { clusters: [], users: [], contexts: [] };
  const firstByName = <T extends { name: string }>(into: T[], items: T[] | undefined, fix: (item: T) => T = (x) => x) => {
    for (const item of items ?? []) if (item?.name && !into.some((x) => x.name === item.name)) into.push(fix(item));
  };
  for (const { path, text } of files) {
    let doc: KubeconfigFile;
    try {
      doc = (parse(text) ?? {}) as KubeconfigFile;
    } catch (err) {
      throw new ConfigError(`cannot parse kubeconfig ${path}: ${(err as Error).message}`);
    }
    firstByName(merged.clusters, doc.clusters, (c) => {
      const ca = c.cluster?.['certificate-authority'];
      return ca && !isAbsolute(ca) ? { ...c, cluster: { ...c.cluster, 'certificate-authority': resolve(dirname(path), ca) } } : c;
    });
    firstByName(merged.users, doc.users);
    firstByName(merged.contexts, doc.contexts);
    merged['current-context'] ||= doc['current-context'];
  }
  return merged;
}

/** Reads the connection out of a kubeconfig document (pure: no files, no environment). */
export function connectionFromKubeconfig(text: string | KubeconfigFile, contextName?: string): Omit<Connection, 'source'> {
  const doc = typeof text === 'string' ? ((parse(text) ?? {}) as KubeconfigFile) : text;
  const name = contextName || doc['current-context'];
  if (!name) throw new ConfigError('no current-context is set in the kubeconfig');
  const context = doc.contexts?.find((c) => c.name === name)?.context;
  if (!context) throw new ConfigError(`context "${name}" does not exist`);
  const cluster = doc.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster?.server) throw new ConfigError(`cluster "${context.cluster ?? ''}" of context "${name}" has no server`);
  const user = doc.users?.find((u) => u.name === context.user)?.user;
  const connection: Omit<Connection, 'source'> = { server: cluster.server, token: user?.token, namespace: context.namespace || 'default' };
  if (cluster['certificate-authority-data']) connection.caPem = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
  else if (cluster['certificate-authority']) connection.caPem = readCa(cluster['certificate-authority']);
  if (cluster['insecure-skip-tls-verify']) connection.insecureSkipTlsVerify = true;
  return connection;
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read certificate-authority ${file}: ${(err as Error).message}`);
  }
}

/** The nearest `.podflow/kubeconfig` in `cwd` or a directory above it. */
export function findKubeconfigUpward(cwd: string, exists: (path: string) => boolean = existsSync): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, '.podflow', 'kubeconfig');
    if (exists(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Which kubeconfig files apply, merged in this order: `--kubeconfig` alone;
 * else every existing file of the `$KUBECONFIG` list (kubectl skips missing
 * ones); else the nearest `.podflow/kubeconfig` (what `npm start` writes), then
 * `~/.kube/config`, as kubectl's default.
 */
export function kubeconfigPaths(flags: ConnectionFlags, env: NodeJS.ProcessEnv, cwd: string, exists: (path: string) => boolean = existsSync, home = homedir()): string[] {
  if (flags.kubeconfig) return [flags.kubeconfig];
  if (env.KUBECONFIG) return [...new Set(env.KUBECONFIG.split(delimiter).filter(Boolean))].filter((p) => exists(p));
  const project = findKubeconfigUpward(cwd, exists);
  if (project) return [project];
  const user = join(home, '.kube', 'config');
  return exists(user) ? [user] : [];
}

export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv, cwd: string): Connection {
  const paths = kubeconfigPaths(flags, env, cwd);
  const files: { path: string; text: string }[] = [];
  for (const path of paths) {
    try {
      files.push({ path, text: readFileSync(path, 'utf8') });
    } catch (err) {
      if (!flags.server) throw new ConfigError(`cannot read kubeconfig ${path}: ${(err as Error).message}`);
    }
  }
  const fromFile = files.some((f) => f.text.trim()) ? connectionFromKubeconfig(mergeKubeconfigs(files), flags.context) : undefined;
  const path = files.map((f) => f.path).join(delimiter);
  const server = flags.server ?? fromFile?.server;
  if (!server) {
    throw new ConfigError(
      'no cluster configured: start one with `npm start` (it writes .podflow/kubeconfig), or pass --kubeconfig, set KUBECONFIG, or pass --server',
    );
  }
  return {
    server: server.replace(/\/+$/, ''),
    token: flags.token ?? fromFile?.token,
    namespace: flags.namespace ?? fromFile?.namespace ?? 'default',
    caPem: flags.server ? undefined : fromFile?.caPem,
    insecureSkipTlsVerify: flags.server ? undefined : fromFile?.insecureSkipTlsVerify,
    source: fromFile ? path : undefined,
  };
}
