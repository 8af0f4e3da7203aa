/**
 * Where podctl finds its cluster: `--kubeconfig`, else `$KUBECONFIG`, else the
 * nearest `.podflow/kubeconfig` above the working directory (what `npm start`
 * writes). `--server`, `--token`, `--context` and `-n` override what the file says.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

interface KubeconfigFile {
  clusters?: {
    name: string;
    cluster?: { server?: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string; 'insecure-skip-tls-verify'?: boolean };
  }[];
  users?: { name: string; user?: { token?: string } }[];
  contexts?: { name: string; context?: { cluster?: string; user?: string; namespace?: string } }[];
  'current-context'?: string;
}

export class ConfigError extends Error {}

/** Reads the connection out of a kubeconfig document (pure: no files, no environment). */
export function connectionFromKubeconfig(text: string, contextName?: string): Omit<Connection, 'source'> {
  const doc = (parse(text) ?? {}) as KubeconfigFile;
  const name = contextName ?? doc['current-context'];
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

/** Which kubeconfig file applies, in kubectl's order of precedence. */
export function kubeconfigPath(flags: ConnectionFlags, env: NodeJS.ProcessEnv, cwd: string, exists: (path: string) => boolean = existsSync): string | undefined {
  if (flags.kubeconfig) return flags.kubeconfig;
  if (env.KUBECONFIG) {
    const paths = env.KUBECONFIG.split(':').filter(Boolean);
    return paths.find((p) => exists(p)) ?? paths[0];
  }
  return findKubeconfigUpward(cwd, exists);
}

export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv, cwd: string): Connection {
  const path = kubeconfigPath(flags, env, cwd);
  let fromFile: Omit<Connection, 'source'> | undefined;
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if (!flags.server) throw new ConfigError(`cannot read kubeconfig ${path}: ${(err as Error).message}`);
      text = '';
    }
    if (text) fromFile = connectionFromKubeconfig(text, flags.context);
  }
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
