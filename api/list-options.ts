/**
 * The query parameters of list, watch and delete requests (Kubernetes'
 * ListOptions and the dryRun option), read once with zod. A bad value answers
 * 400 with a Status naming the parameter, as the Kubernetes API server does;
 * unknown parameters are ignored, as there.
 */
import { z } from 'zod';
import { badRequest, StatusError } from '../shared/kube/status';

/** Go's strconv.ParseBool, which the API server decodes boolean parameters with. */
const TRUE = ['1', 't', 'T', 'true', 'TRUE', 'True'];
const FALSE = ['0', 'f', 'F', 'false', 'FALSE', 'False'];
const bool = z
  .string()
  .refine((v) => TRUE.includes(v) || FALSE.includes(v), { message: 'must be true or false' })
  .transform((v) => TRUE.includes(v));
const count = z.string().regex(/^\d+$/, 'must be a non-negative integer').transform(Number);

const listQuery = z.object({
  labelSelector: z.string().optional(),
  fieldSelector: z.string().optional(),
  watch: bool.optional(),
  allowWatchBookmarks: bool.optional(),
  resourceVersion: z.string().optional(),
  resourceVersionMatch: z.enum(['Exact', 'NotOlderThan']).optional(),
  timeoutSeconds: count.optional(),
  limit: count.optional(),
  continue: z.string().optional(),
});
export type ListOptions = z.infer<typeof listQuery>;

const dryRunQuery = z.object({
  dryRun: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .refine((v) => v.every((x) => x === 'All'), { message: 'supported values: "All"' }),
});

function read<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue.path[0] ?? 'query');
  const value = (query as Record<string, unknown> | undefined)?.[name];
  throw new StatusError(badRequest(`invalid value ${JSON.stringify(value)} for query parameter "${name}": ${issue.message}`));
}

export function readListOptions(query: unknown): ListOptions {
  const options = read(listQuery, query);
  if (options.continue !== undefined && options.resourceVersion !== undefined && options.resourceVersion !== '0') {
    throw new StatusError(badRequest('specifying resource version is not allowed when using continue'));
  }
  return options;
}

/** `?dryRun=All`: validate and admit, answer what would happen, write nothing. */
export function isDryRun(query: unknown): boolean {
  return read(dryRunQuery, query).dryRun.length > 0;
}

/** The DeleteOptions every resource reads from a DELETE's body; resources extend it with their own. */
export const deleteOptions = z
  .object({
    preconditions: z.object({ uid: z.string().optional(), resourceVersion: z.string().optional() }).partial().nullish(),
    dryRun: z.array(z.literal('All')).nullish(),
  })
  .passthrough();

/** A DELETE is a dry run when the query says so, or the body's DeleteOptions (as kubectl sends it). */
export function isDeleteDryRun(query: unknown, options: { dryRun?: readonly string[] | null }): boolean {
  return isDryRun(query) || Boolean(options.dryRun?.length);
}

/** Rejects a field selector on a field the resource does not index, as the API server does. */
export function checkFieldSelectorKeys(keys: readonly string[], supported: readonly string[]): void {
  const unknown = keys.find((k) => !supported.includes(k));
  if (unknown) throw new StatusError(badRequest(`field label not supported: ${unknown}`));
}

/** A continue token: where the next page starts, and the resourceVersion of the first page. */
interface Continuation {
  rv: string;
  start: string;
}

export function encodeContinue(c: Continuation): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeContinue(token: string): Continuation {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Continuation;
    if (typeof c.rv === 'string' && typeof c.start === 'string') return c;
  } catch {
    // answered below
  }
  throw new StatusError(badRequest('continue key is not valid: the token was not issued by this server'));
}

/**
 * One page of a list sorted by key (namespace/name, as etcd orders them):
 * the items, and a continue token when more follow.
 */
export function page<T>(items: readonly T[], key: (item: T) => string, options: Pick<ListOptions, 'limit' | 'continue'>, resourceVersion: string) {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const from = options.continue ? decodeContinue(options.continue) : undefined;
  const rest = from ? sorted.filter((i) => key(i) >= from.start) : sorted;
  const rv = from?.rv ?? resourceVersion;
  if (!options.limit || rest.length <= options.limit) return { items: rest, resourceVersion: rv };
  return {
    items: rest.slice(0, options.limit),
    resourceVersion: rv,
    continue: encodeContinue({ rv, start: key(rest[options.limit]) }),
    remainingItemCount: rest.length - options.limit,
  };
}

/**
 * A list response of one page: `render` builds the list (or Table) from the
 * page's items and resourceVersion, and the metadata carries continue and
 * remainingItemCount.
 */
export function pagedList<T>(all: readonly T[], key: (item: T) => string, options: Pick<ListOptions, 'limit' | 'continue'>, resourceVersion: string, render: (items: T[], resourceVersion: string) => object) {
  const { items, ...meta } = page(all, key, options, resourceVersion);
  return { ...render(items, meta.resourceVersion), metadata: meta };
}
