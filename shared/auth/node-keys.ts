/**
 * Per-node signing keys: minted when a node joins (`mintNodeKey`), kept as
 * `node-keys/<name>.key` (0600) in the credentials directory, read by the agent
 * to sign what it publishes and by the control plane to check it. A lookup
 * that misses reads the directory again, since nodes join while the control
 * plane runs.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkPrivate, writePrivate } from './credentials';

export interface NodeKeys {
  /** The node's key, or undefined for a node that never joined. */
  keyOf(nodeName: string): Buffer | undefined;
}

const nodeName = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

export function nodeKeyFile(dir: string, name: string): string {
  if (!nodeName.test(name)) throw new Error(`"${name}" is not a valid node name`);
  return path.join(dir, 'node-keys', `${name}.key`);
}

/** The node's key, minted on its first join and kept after. */
export function mintNodeKey(dir: string, name: string): Buffer {
  const file = nodeKeyFile(dir, name);
  if (!existsSync(file)) writePrivate(file, randomBytes(32).toString('hex') + '\n');
  return readNodeKey(dir, name)!;
}

export function readNodeKey(dir: string, name: string): Buffer | undefined {
  if (!nodeName.test(name)) return undefined;
  const file = nodeKeyFile(dir, name);
  if (!existsSync(file)) return undefined;
  checkPrivate(file);
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

/** Keys read from the credentials directory, cached once found. */
export function dirNodeKeys(dir: string): NodeKeys {
  const cache = new Map<string, Buffer>();
  return {
    keyOf(name) {
      const hit = cache.get(name);
      if (hit) return hit;
      const key = readNodeKey(dir, name);
      if (key) cache.set(name, key);
      return key;
    },
  };
}

export function mapNodeKeys(keys: ReadonlyMap<string, Buffer>): NodeKeys {
  return { keyOf: (name) => keys.get(name) };
}
