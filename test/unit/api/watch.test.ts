/**
 * Watches on the API over in-memory ports: the headers come before any
 * event, a resume from a resourceVersion replays only what came after it,
 * bookmarks arrive when asked for, and timeoutSeconds ends the stream.
 */
import { memoryPorts } from '../../../shared/adapters/memory';
import { silentLogger } from '../../../shared/runtime/logger';
import { PodFeed } from '../../../api/feed';
import { buildApi } from '../../../api/server';
import type { PodChangeEvent } from '../../../shared/events';

const TOKEN = 'watch-test-token-0123456789abcdef';

function change(name: string, rv: number): PodChangeEvent {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: String(rv), creationTimestamp: '2026-11-28T00:00:00Z' }, spec: { containers: [{ name: 'c', image: 'i' }], restartPolicy: 'Always' }, status: { phase: 'Pending' } };
  return { specversion: '1', type: 'PodChanged', id: `c-${name}-${rv}`, source: 'test', time: '2026-11-28T00:00:00Z', key: `default/${name}`, data: { change: 'ADDED', pod } } as unknown as PodChangeEvent;
}

async function api() {
  const feed = new PodFeed(silentLogger);
  const app = buildApi({ ...memoryPorts(), feed, logger: silentLogger, token: TOKEN, agentToken: 'agent-token-0123456789abcdef', watchBookmarkIntervalMs: 100 });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const watch = async (query: string) => {
    const res = await fetch(`${base}/api/v1/namespaces/default/pods?watch=true&${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return { res, lines: async () => (await res.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; object: { metadata: { name?: string; resourceVersion: string } } }) };
  };
  return { app, feed, watch };
}

describe('pod watches', () => {
  it('answer their headers before any event, resume after a resourceVersion, send bookmarks and end after timeoutSeconds', async () => {
    const { app, feed, watch } = await api();
    try {
      feed.apply(change('old', 10));
      const w = await watch('resourceVersion=10&allowWatchBookmarks=true&timeoutSeconds=1');
      expect(w.res.status).toBe(200); // fetch resolves on headers: nothing has been sent yet
      feed.apply(change('new', 11));
      const lines = await w.lines();
      expect(lines.filter((l) => l.type !== 'BOOKMARK').map((l) => `${l.type} ${l.object.metadata.name}`)).toEqual(['ADDED new']);
      const bookmarks = lines.filter((l) => l.type === 'BOOKMARK');
      expect(bookmarks.length).toBeGreaterThan(0);
      expect(bookmarks.at(-1)!.object.metadata.resourceVersion).toBe('11');
    } finally {
      await app.close();
    }
  });

  it('sends no bookmarks unless asked', async () => {
    const { app, watch } = await api();
    try {
      const w = await watch('timeoutSeconds=1');
      expect((await w.lines()).filter((l) => l.type === 'BOOKMARK')).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
