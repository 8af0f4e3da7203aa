/**
 * `podctl apply -f FILE|DIR|-`: for each Pod or ReplicationController document,
 * creates it when missing, reports it unchanged when the server already holds
 * what it says, and merge-patches one that differs. A rejected document
 * (422) is reported with FILE:LINE for each invalid field; the other documents
 * are still applied, and the exit code is 1 if any failed.
 */
import { ApiError, formatError, isNotFound } from '../api/errors';
import { collectionPath, objectPath, resourceForKind } from '../api/resources';
import type { KubeObject } from '../../../shared/display/kube-types';
import { formatInvalidManifest } from '../apply/invalid';
import { planApply } from '../apply/plan';
import { type Manifest, parseManifests } from '../manifest/documents';
import { readSources } from '../manifest/sources';
import { line, type CommandContext } from './context';

const SUPPORTED = ['Pod', 'ReplicationController', 'ConfigMap', 'Secret'];

async function applyOne(ctx: CommandContext, m: Manifest): Promise<string> {
  const obj = m.object;
  const resource = SUPPORTED.includes(obj.kind ?? '') ? resourceForKind(obj.kind ?? '') : undefined;
  if (!resource) {
    throw new Error(
      `resource mapping not found for name: "${obj.metadata?.name ?? ''}" namespace: "${obj.metadata?.namespace ?? ''}" from "${m.source}": ` +
        `no matches for kind "${obj.kind ?? ''}" in version "${obj.apiVersion ?? ''}" (podctl applies Pod, ReplicationController, ConfigMap and Secret)`,
    );
  }
  if (!obj.metadata || typeof obj.metadata !== 'object') throw new Error(`error validating "${m.source}": metadata is required`);
  if (!obj.metadata.name) throw new Error(`error when retrieving current configuration from "${m.source}": resource name may not be empty`);
  const docNamespace = obj.metadata.namespace;
  if (docNamespace && ctx.namespaceExplicit && docNamespace !== ctx.namespace) {
    throw new Error(
      `the namespace from the provided object "${docNamespace}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${docNamespace}' to perform this operation.`,
    );
  }
  const namespace = docNamespace ?? ctx.namespace;
  let existing: KubeObject | undefined;
  try {
    existing = await ctx.client.get<KubeObject>(objectPath(resource, namespace, obj.metadata.name));
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const label = `${resource.singular}/${obj.metadata.name}`;
  const plan = planApply(obj, existing, namespace);
  switch (plan.action) {
    case 'create':
      await ctx.client.post(collectionPath(resource, namespace), plan.body);
      return `${label} created`;
    case 'unchanged':
      return `${label} unchanged`;
    case 'patch':
      await ctx.client.mergePatch(objectPath(resource, namespace, obj.metadata.name), plan.patch);
      return `${label} configured`;
    default: {
      const never: never = plan;
      throw new Error(`unknown plan ${JSON.stringify(never)}`);
    }
  }
}

export async function applyCommand(ctx: CommandContext, options: { filename?: string[] }): Promise<number> {
  const sources = readSources(options.filename ?? [], ctx.io.readStdin);
  let failed = false;
  for (const source of sources) {
    let manifests: Manifest[];
    try {
      manifests = parseManifests(source);
    } catch (err) {
      ctx.io.err(line(formatError(err)));
      failed = true;
      continue;
    }
    for (const m of manifests) {
      try {
        ctx.io.out(line(await applyOne(ctx, m)));
      } catch (err) {
        const invalid = err instanceof ApiError && (err.code === 422 || err.reason === 'Invalid');
        ctx.io.err(line(invalid ? formatInvalidManifest((err as ApiError).status, m) : formatError(err)));
        failed = true;
      }
    }
  }
  return failed ? 1 : 0;
}
