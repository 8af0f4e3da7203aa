/**
 * ConfigMaps and Secrets as `kubectl get` rows: the number of keys, never a
 * value (a Secret's values are never printed anywhere).
 */
import { age } from './age';

export const CONFIGMAP_COLUMNS = ['NAME', 'DATA', 'AGE'];
export const SECRET_COLUMNS = ['NAME', 'TYPE', 'DATA', 'AGE'];

export interface PrintedConfigObject {
  kind?: string;
  metadata: { name: string; creationTimestamp?: string | null };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  type?: string;
}

export const keyCount = (o: PrintedConfigObject) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length;

export function configMapRow(o: PrintedConfigObject, now: Date): string[] {
  return [o.metadata.name, String(keyCount(o)), age(o.metadata.creationTimestamp ?? undefined, now)];
}

export function secretRow(o: PrintedConfigObject, now: Date): string[] {
  return [o.metadata.name, o.type ?? 'Opaque', String(keyCount(o)), age(o.metadata.creationTimestamp ?? undefined, now)];
}
