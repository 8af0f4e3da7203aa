/**
 * Watch streams: newline-delimited `{type, object}` JSON. Without a
 * resourceVersion (or "0") the stream opens with ADDED for every current pod;
 * with one it replays what the feed buffered after it, or ends with a 410
 * Expired ERROR when the buffer no longer reaches back that far.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { gone } from '../../../shared/pod/k8s-status';
import type { Pod } from '../../../shared/pod/schema';
import type { WatchEvent } from '../feed';
import type { ApiDeps } from '../server';

export interface WatchOptions {
  filter: (pod: Pod) => boolean;
  resourceVersion?: string;
  timeoutSeconds?: number;
  namespace?: string;
}

export async function streamWatch(req: FastifyRequest, reply: FastifyReply, deps: ApiDeps, opts: WatchOptions): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache' });
  const send = (type: string, object: unknown) => res.write(JSON.stringify({ type, object }) + '\n');

  // Subscribe first so nothing falls between the snapshot and the live stream.
  const pending: WatchEvent[] = [];
  let live = false;
  let lastSent = 0n;
  const deliver = (e: WatchEvent) => {
    if (e.rv <= lastSent || !opts.filter(e.object)) return;
    lastSent = e.rv;
    send(e.type, e.object);
  };
  const unsubscribe = deps.feed.subscribe((e) => (live ? deliver(e) : pending.push(e)));
  const close = () => {
    unsubscribe();
    if (!res.writableEnded) res.end();
  };
  req.raw.on('close', close);
  if (opts.timeoutSeconds) setTimeout(close, opts.timeoutSeconds * 1000).unref();

  const rv = opts.resourceVersion;
  if (!rv || rv === '0') {
    const snapshotRv = BigInt(deps.feed.resourceVersion());
    for (const record of await deps.podStore.list({ namespace: opts.namespace })) {
      if (opts.filter(record.pod)) send('ADDED', record.pod);
    }
    lastSent = snapshotRv;
  } else {
    let from: bigint;
    try {
      from = BigInt(rv);
    } catch {
      send('ERROR', gone(`invalid resourceVersion ${rv}`));
      return close();
    }
    const replay = deps.feed.since(from);
    if (replay === 'gone') {
      send('ERROR', gone(`too old resource version: ${rv}`));
      return close();
    }
    lastSent = from;
    replay.forEach(deliver);
  }
  live = true;
  pending.sort((a, b) => (a.rv < b.rv ? -1 : 1)).forEach(deliver);
}
