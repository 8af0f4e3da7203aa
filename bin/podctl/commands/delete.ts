/**
 * `podctl delete pod|rc|configmap|secret NAME...` and `delete -f FILE`: asks the API to delete,
 * prints `pod "x" deleted`, then (like kubectl, unless --wait=false) waits until
 * the object is gone or replaced by one with a new uid, bounded by --timeout.
 */
import { formatError, isNotFound } from '../api/errors';
import { objectPath, parseResourceArgs, resourceForKind, type Resource } from '../api/resources';
import type { KubeObject } from '../../../shared/display/kube-types';
import { parseManifests } from '../manifest/documents';
import { readSources } from '../manifest/sources';
import { line, parseDuration, type CommandContext } from './context';

export interface DeleteOptions {
  filename?: string[];
  wait?: boolean;
  gracePeriod?: string;
  now?: boolean;
  timeout?: string;
  ignoreNotFound?: boolean;
}

interface Target {
  resource: Resource;
  namespace: string;
  name: string;
}

interface Deleted extends Target {
  uid?: string;
  grace: number;
}

const POLL_MS = 500;
const WAIT_BEYOND_GRACE_MS = 60_000;

function gracePeriod(options: DeleteOptions): number | undefined {
  if (options.now) return 1;
  if (options.gracePeriod === undefined) return undefined;
  const n = Number(options.gracePeriod);
  if (!Number.isInteger(n)) throw new Error(`invalid argument "${options.gracePeriod}" for "--grace-period" flag`);
  return n < 0 ? undefined : n;
}

function targetsFromFiles(ctx: CommandContext, files: string[]): Target[] {
  const targets: Target[] = [];
  for (const source of readSources(files, ctx.io.readStdin)) {
    for (const m of parseManifests(source)) {
      const resource = resourceForKind(m.object.kind ?? '');
      if (!resource) throw new Error(`resource mapping not found for name: "${m.object.metadata?.name}" from "${source.name}": no matches for kind "${m.object.kind}"`);
      targets.push({ resource, namespace: m.object.metadata.namespace ?? ctx.namespace, name: m.object.metadata.name });
    }
  }
  return targets;
}

async function isGone(ctx: CommandContext, d: Deleted): Promise<boolean> {
  try {
    const current = await ctx.client.get<KubeObject>(objectPath(d.resource, d.namespace, d.name));
    return Boolean(d.uid && current.metadata.uid && current.metadata.uid !== d.uid);
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
}

async function waitUntilGone(ctx: CommandContext, deleted: Deleted[], timeoutMs: number | undefined): Promise<Deleted[]> {
  let pending = deleted;
  const started = Date.now();
  const limit = timeoutMs || Math.max(...deleted.map((d) => d.grace * 1000)) + WAIT_BEYOND_GRACE_MS;
  while (pending.length > 0 && Date.now() - started < limit) {
    const still: Deleted[] = [];
    for (const d of pending) if (!(await isGone(ctx, d))) still.push(d);
    pending = still;
    if (pending.length > 0) await ctx.sleep(POLL_MS);
  }
  return pending;
}

export async function deleteCommand(ctx: CommandContext, args: string[], options: DeleteOptions): Promise<number> {
  const grace = gracePeriod(options);
  const timeoutMs = options.timeout ? parseDuration(options.timeout) : undefined;
  let targets: Target[];
  if (options.filename?.length) {
    if (args.length) throw new Error('there is no need to specify a resource type as a separate argument when passing arguments in resource/name form or with -f');
    targets = targetsFromFiles(ctx, options.filename);
  } else {
    const groups = parseResourceArgs(args);
    targets = groups.flatMap((g) => g.names.map((name) => ({ resource: g.resource, namespace: ctx.namespace, name })));
    if (targets.length === 0) throw new Error('resource(s) were provided, but no name was specified');
  }
  let failed = false;
  const deleted: Deleted[] = [];
  for (const t of targets) {
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' };
    if (grace !== undefined) body.gracePeriodSeconds = grace;
    try {
      const answer = await ctx.client.delete<Partial<KubeObject> | undefined>(objectPath(t.resource, t.namespace, t.name), { gracePeriodSeconds: grace }, body);
      ctx.io.out(line(`${t.resource.singular} "${t.name}" deleted`));
      const meta = answer?.kind === 'Status' ? undefined : answer?.metadata;
      deleted.push({ ...t, uid: meta?.uid, grace: meta?.deletionGracePeriodSeconds ?? grace ?? 30 });
    } catch (err) {
      if (isNotFound(err) && options.ignoreNotFound) continue;
      ctx.io.err(line(formatError(err)));
      failed = true;
    }
  }
  if (options.wait !== false && deleted.length > 0) {
    const left = await waitUntilGone(ctx, deleted, timeoutMs);
    for (const d of left) {
      ctx.io.err(line(`error: timed out waiting for the condition on ${d.resource.plural}/${d.name}`));
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
