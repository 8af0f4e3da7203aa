/**
 * The agent's view of the ConfigMaps and Secrets its pods name, read from the
 * ConfigObjects projection (as the kubelet reads them from the API server)
 * and kept for a short time, so the containers and volumes of one sync pass
 * see one version and a changed object reaches running pods within a resync.
 * A read that fails keeps what was read before (the kubelet's cached
 * behaviour); with nothing read before, the error surfaces and the container
 * waits in CreateContainerConfigError. Values stay in memory only.
 */
import type { ConfigObjectRecord } from '../../shared/config-objects/record';
import { payload, type ConfigKind } from '../../shared/config-objects/schema';
import type { ConfigLookup, ConfigRef } from '../../shared/pod/config-refs';

export interface ConfigObjectReader {
  get(kind: ConfigKind, namespace: string, name: string): Promise<ConfigObjectRecord | null>;
}

/** One object as the agent holds it: its type (Secrets) and its values as bytes. */
export interface HeldObject {
  type?: string;
  data: Record<string, Buffer>;
}

interface Entry {
  at: number;
  value: HeldObject | undefined;
}

export class ConfigObjectCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly reader: ConfigObjectReader,
    private readonly opts: { ttlMs: number; now?: () => number } = { ttlMs: 2_000 },
  ) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** The object as last read, read again when older than the TTL; undefined when it does not exist. */
  async read(kind: ConfigKind, namespace: string, name: string): Promise<HeldObject | undefined> {
    const key = `${kind}/${namespace}/${name}`;
    const held = this.entries.get(key);
    if (held && this.now() - held.at < this.opts.ttlMs) return held.value;
    try {
      const record = await this.reader.get(kind, namespace, name);
      const value = record && !record.deleted ? { ...(record.object.type ? { type: record.object.type } : {}), data: payload(record.object) } : undefined;
      this.entries.set(key, { at: this.now(), value });
      return value;
    } catch (err) {
      if (held) return held.value;
      throw err;
    }
  }

  secret(namespace: string, name: string): Promise<HeldObject | undefined> {
    return this.read('Secret', namespace, name);
  }

  /** Reads every named object of a namespace, for one synchronous resolution (shared/pod/config-refs.ts). */
  async lookup(namespace: string, refs: readonly ConfigRef[]): Promise<ConfigLookup> {
    this.prune(Math.max(60_000, this.opts.ttlMs * 10));
    const read = new Map<string, Readonly<Record<string, Buffer>> | undefined>();
    await Promise.all(refs.map(async (r) => read.set(`${r.kind}/${r.name}`, (await this.read(r.kind, namespace, r.name))?.data)));
    return { get: (kind, name) => read.get(`${kind}/${name}`) };
  }

  /** Forgets objects not read for a while (every lookup does this), so a deleted pod's Secrets leave memory. */
  prune(maxAgeMs: number): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (now - entry.at > maxAgeMs) this.entries.delete(key);
  }
}
