/**
 * Watch streams, one helper for every watchable resource: newline-delimited
 * `{type, object}` JSON, with the response headers sent at once (clients such
 * as client-go's informers and the official JavaScript client wait for them
 * before they consider the watch open). Without a resourceVersion (or "0") the
 * stream opens with ADDED for every current object; with one it replays what
 * the source buffered after it, or ends with a 410 Expired ERROR when the
 * buffer no longer reaches back that far. `allowWatchBookmarks` adds BOOKMARK
 * events carrying the newest resourceVersion; `timeoutSeconds` ends the stream.
 * A watcher that stops reading is closed once its queued bytes pass a bound,
 * and a user holds only so many watches at once (api/watch-limits.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { gone } from '../../shared/kube/status';
import { limiterOf, tooSlow } from '../watch-limits';

export interface Change<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
  rv: bigint;
}

/** Where a watch's changes come from: a resourceVersion-ordered buffer that can be followed. */
export interface WatchSource<T> {
  resourceVersion(): string;
  since(rv: bigint): Change<T>[] | 'gone';
  subscribe(listener: (e: Change<T>) => void): () => void;
  /** Identifies one change, so replayed and live copies are sent once. */
  changeKey(e: Change<T>): string;
}

export interface WatchOptions<T> {
  source: WatchSource<T>;
  /** The current objects, sent as ADDED when the watch starts from now. */
  snapshot: () => Promise<T[]>;
  filter: (object: T) => boolean;
  /** Encodes an object for the stream (a one-row Table for kubectl get -w). */
  encode?: (object: T) => unknown;
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
  /** The object of a BOOKMARK event: the kind with only metadata.resourceVersion. */
  bookmark?: (resourceVersion: string) => unknown;
  bookmarkIntervalMs?: number;
}

/** Kubernetes sends a bookmark about once a minute. */
const BOOKMARK_INTERVAL_MS = 60_000;

export async function streamWatch<T>(req: FastifyRequest, reply: FastifyReply, opts: WatchOptions<T>): Promise<void> {
  const { source } = opts;
  const limiter = limiterOf(req);
  const release = limiter.acquire(req, reply);
  if (!release) return;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const send = (type: string, object: unknown) => {
    if (res.destroyed) return;
    res.write(JSON.stringify({ type, object }) + '\n');
    // A watcher that does not read: drop it, as the Kubernetes API server does; it re-watches from its last resourceVersion.
    if (tooSlow(res.writableLength, limiter.settings)) res.destroy();
  };
  const sendObject = (type: string, object: T) => send(type, opts.encode ? opts.encode(object) : object);

  // Subscribe first so nothing falls between the snapshot and the live stream. Changes of
  // different objects arrive out of resourceVersion order (partitions), so the stream is
  // deduplicated per change, never filtered by one high-water mark.
  const pending: Change<T>[] = [];
  let live = false;
  let threshold = 0n;
  const sent = new Set<string>();
  const deliver = (e: Change<T>) => {
    const id = source.changeKey(e);
    if (sent.has(id) || !opts.filter(e.object)) return;
    sent.add(id);
    if (sent.size > 10000) sent.delete(sent.values().next().value!);
    sendObject(e.type, e.object);
  };
  const unsubscribe = source.subscribe((e) => (live ? deliver(e) : pending.push(e)));
  const timers: NodeJS.Timeout[] = [];
  const close = () => {
    unsubscribe();
    release();
    timers.forEach(clearTimeout);
    if (!res.writableEnded) res.end();
  };
  req.raw.on('close', close);
  res.on('close', close);
  if (opts.timeoutSeconds) timers.push(setTimeout(close, opts.timeoutSeconds * 1000).unref());
  if (opts.allowWatchBookmarks && opts.bookmark) {
    const bookmark = opts.bookmark;
    timers.push(setInterval(() => send('BOOKMARK', bookmark(source.resourceVersion())), opts.bookmarkIntervalMs ?? BOOKMARK_INTERVAL_MS).unref());
  }

  const rv = opts.resourceVersion;
  if (!rv || rv === '0') {
    threshold = BigInt(source.resourceVersion());
    for (const object of await opts.snapshot()) if (opts.filter(object)) sendObject('ADDED', object);
  } else {
    let from: bigint;
    try {
      from = BigInt(rv);
    } catch {
      send('ERROR', gone(`invalid resourceVersion ${rv}`));
      return close();
    }
    const replay = source.since(from);
    if (replay === 'gone') {
      send('ERROR', gone(`too old resource version: ${rv}`));
      return close();
    }
    threshold = from;
    replay.forEach(deliver);
  }
  live = true;
  pending.filter((e) => e.rv > threshold).forEach(deliver);
}

export interface PolledWatchOptions<T> {
  /** The current objects (already filtered). */
  list: () => Promise<T[]>;
  /** Identity of an object across reads, and its version (a change of version is MODIFIED). */
  key: (object: T) => string;
  version: (object: T) => string;
  encode?: (object: T) => unknown;
  intervalMs: number;
  timeoutSeconds?: number;
}

/**
 * A level-based watch for resources without a change topic (nodes, whose
 * status moves with every heartbeat, and replication controllers): ADDED for
 * what exists, then the table is read every `intervalMs` and each difference
 * sent. Headers go out at once, as for every watch.
 */
export async function streamPolledWatch<T>(req: FastifyRequest, reply: FastifyReply, opts: PolledWatchOptions<T>): Promise<void> {
  const limiter = limiterOf(req);
  const release = limiter.acquire(req, reply);
  if (!release) return;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const send = (type: string, object: T) => {
    if (res.destroyed) return;
    res.write(JSON.stringify({ type, object: opts.encode ? opts.encode(object) : object }) + '\n');
    if (tooSlow(res.writableLength, limiter.settings)) res.destroy();
  };
  let open = true;
  const close = () => {
    open = false;
    release();
    if (!res.writableEnded) res.end();
  };
  req.raw.on('close', close);
  res.on('close', close);
  if (opts.timeoutSeconds) setTimeout(close, opts.timeoutSeconds * 1000).unref();
  const known = new Map<string, T>();
  while (open) {
    const current = new Map((await opts.list()).map((o) => [opts.key(o), o] as const));
    if (!open) break;
    for (const [key, object] of current) {
      const before = known.get(key);
      if (!before) send('ADDED', object);
      else if (opts.version(before) !== opts.version(object)) send('MODIFIED', object);
    }
    for (const [key, object] of known) if (!current.has(key)) send('DELETED', object);
    known.clear();
    for (const [key, object] of current) known.set(key, object);
    await new Promise((r) => setTimeout(r, opts.intervalMs));
  }
}
