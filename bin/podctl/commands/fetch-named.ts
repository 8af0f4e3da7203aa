/**
 * Reads named objects the way kubectl get and describe do: each missing one is
 * reported as `Error from server (NotFound): ...` and the rest still print.
 */
import { formatError, isNotFound } from '../api/errors';
import { objectPath, type Resource } from '../api/resources';
import type { KubeObject } from '../../../shared/display/kube-types';
import { line, type CommandContext } from './context';

export async function fetchNamed(ctx: CommandContext, resource: Resource, names: string[]): Promise<{ objects: KubeObject[]; failed: boolean }> {
  const objects: KubeObject[] = [];
  let failed = false;
  for (const name of names) {
    try {
      objects.push(await ctx.client.get<KubeObject>(objectPath(resource, ctx.namespace, name)));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      ctx.io.err(line(formatError(err)));
      failed = true;
    }
  }
  return { objects, failed };
}
