/**
 * `podctl scale rc NAME --replicas N`: reads the rc's Scale subresource and
 * writes it back with the new replica count (retrying when another writer got
 * in between), honouring `--current-replicas` as a precondition like kubectl.
 */
import { ApiError } from '../api/errors';
import { REPLICATION_CONTROLLER, objectPath, parseResourceArgs } from '../api/resources';
import { line, type CommandContext } from './context';

export interface ScaleOptions {
  replicas?: string;
  currentReplicas?: string;
}

interface Scale {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

const ATTEMPTS = 5;

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`The ${flag} must be a non-negative integer, got "${value}"`);
  return n;
}

export async function scaleCommand(ctx: CommandContext, args: string[], options: ScaleOptions): Promise<number> {
  const replicas = count('--replicas', options.replicas);
  if (replicas === undefined) throw new Error('required flag(s) "replicas" not set');
  const current = count('--current-replicas', options.currentReplicas);
  const targets = parseResourceArgs(args).flatMap((g) => {
    if (g.resource !== REPLICATION_CONTROLLER) throw new Error(`cannot scale ${g.resource.plural}: only replication controllers can be scaled`);
    return g.names;
  });
  if (targets.length === 0) throw new Error('resource(s) were provided, but no name was specified');
  for (const name of targets) {
    const path = `${objectPath(REPLICATION_CONTROLLER, ctx.namespace, name)}/scale`;
    for (let attempt = 1; ; attempt++) {
      const scale = await ctx.client.get<Scale>(path);
      if (current !== undefined && scale.spec.replicas !== current) {
        throw new Error(`Expected replicas to be ${current}, was ${scale.spec.replicas ?? 0}`);
      }
      try {
        await ctx.client.put(path, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: scale.metadata, spec: { ...scale.spec, replicas } });
        break;
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409) || attempt >= ATTEMPTS) throw err;
      }
    }
    ctx.io.out(line(`replicationcontroller/${name} scaled`));
  }
  return 0;
}
