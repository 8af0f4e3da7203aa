/**
 * Watch streams: newline-delimited `{type, object}` JSON. Without a
 * resourceVersion (or "0") the stream opens with ADDED for every current pod;
 * with one it replays what the feed buffered after it, or ends with a 410
 * Expired ERROR when the buffer no longer reaches back that far.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { gone } from '../../../shared/pod/k8s-status';
import type { Pod } from '../../../shared/pod/schema';
import { changeKey, type WatchEvent } from '../feed';
import { podTable } from '../table';
import type { ApiDeps } from '../server';

export interface WatchOptions {
  filter: (pod: Pod) => boolean;
  /** Send each object as a one-row Table (kubectl get -w). */
  table?: boolean;
  resourceVersion?: string;
  timeoutSeconds?: number;
  namespace?: string;
}

export async function streamWatch(req: FastifyRequest, reply: FastifyReply, deps: ApiDeps, opts: WatchOptions): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache' });
  const send = (type: string, object: unknown) =>
    res.write(JSON.stringify({ type, object: opts.table && type !== 'ERROR' ? podTable([object as Pod], (object as Pod).metadata.resourceVersion) : object }) + '\n');

  // Subscribe first so nothing falls between the snapshot and the live stream. Changes of
  // different pods arrive out of resourceVersion order (partitions), so the stream is
  // deduplicated per change, never filtered by one high-water mark.
  const pending: WatchEvent[] = [];
  let live = false;
  let threshold = 0n;
  const sent = new Set<string>();
  const deliver = (e: WatchEvent) => {
    const id = changeKey(e);
    if (sent.has(id) || !opts.filter(e.object)) return;
    sent.add(id);
    if (sent.size > 10000) sent.delete(sent.values().next().value!);
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
    threshold = BigInt(deps.feed.resourceVersion());
    for (const record of await deps.podStore.list({ namespace: opts.namespace })) {
      if (opts.filter(record.pod)) send('ADDED', record.pod);
    }
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
    threshold = from;
    replay.forEach(deliver);
  }
  live = true;
  pending.filter((e) => e.rv > threshold).forEach(deliver);
}
