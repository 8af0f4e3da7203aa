/** The agent's cache of ConfigMaps and Secrets: reads within the TTL are served from memory, a failed read keeps the last value, old entries are forgotten. */
import { ConfigObjectCache, type ConfigObjectReader } from '../../../agent/config-objects/cache';
import type { ConfigObjectRecord } from '../../../shared/config-objects/record';

function record(data: Record<string, string>): ConfigObjectRecord {
  const object = { apiVersion: 'v1' as const, kind: 'ConfigMap' as const, metadata: { name: 'app', namespace: 'default', uid: 'u', resourceVersion: '1', creationTimestamp: '' }, data };
  return { kind: 'ConfigMap', namespace: 'default', name: 'app', uid: 'u', version: 1, deleted: false, object, requests: [] };
}

describe('ConfigObjectCache', () => {
  let now = 0;
  let stored: ConfigObjectRecord | null = record({ color: 'blue' });
  let failing = false;
  let reads = 0;
  const reader: ConfigObjectReader = {
    get: async () => {
      reads++;
      if (failing) throw new Error('store unavailable');
      return stored;
    },
  };
  const cache = new ConfigObjectCache(reader, { ttlMs: 1000, now: () => now });
  const color = async () => (await cache.read('ConfigMap', 'default', 'app'))?.data.color?.toString();

  it('serves a read within the TTL from memory and reads again after it', async () => {
    expect(await color()).toBe('blue');
    stored = record({ color: 'red' });
    now = 500;
    expect(await color()).toBe('blue');
    now = 1500;
    expect(await color()).toBe('red');
    expect(reads).toBe(2);
  });

  it('keeps the last value when a read fails, and says so when there was none', async () => {
    failing = true;
    now = 3000;
    expect(await color()).toBe('red');
    await expect(cache.secret('default', 'other')).rejects.toThrow('store unavailable');
    failing = false;
  });

  it('answers undefined for a deleted object, and resolves a pod\'s references in one lookup', async () => {
    stored = { ...record({}), deleted: true };
    now = 5000;
    const lookup = await cache.lookup('default', [{ kind: 'ConfigMap', name: 'app' }]);
    expect(lookup.get('ConfigMap', 'app')).toBeUndefined();
    expect(lookup.get('Secret', 'app')).toBeUndefined();
  });
});
