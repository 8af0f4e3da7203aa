/**
 * Kafka principals and their credentials on disk. One principal per role (the
 * API, each handler, an admin that creates topics and ACLs) and one per node
 * (`node-<name>`); each credential is a JSON file `<principal>.json` (0600) in
 * a directory (0700) next to the broker's data. A node also gets a signing key
 * (`node-keys/<name>.key`) that the control plane reads to check that a
 * heartbeat or status record comes from the node it names
 * (shared/auth/node-signature.ts): Kafka ACLs cannot restrict keys.
 * A file is written only once the broker knows the user, so "the file exists"
 * means "the broker accepts it".
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const ADMIN_PRINCIPAL = 'admin';
export const HANDLER_PRINCIPALS = ['pod-controller', 'scheduler', 'status-recorder', 'node-lifecycle', 'replication-controller', 'config-controller'] as const;
export const API_PRINCIPAL = 'api';
/** Created when the broker's storage is formatted. */
export const ROLE_PRINCIPALS: readonly string[] = [ADMIN_PRINCIPAL, API_PRINCIPAL, ...HANDLER_PRINCIPALS];

export const nodePrincipal = (nodeName: string): string => `node-${nodeName}`;

const principalName = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

export const credentialSchema = z.strictObject({ username: z.string().regex(principalName), password: z.string().regex(/^[0-9a-f]{32,}$/) });
export type Credential = z.infer<typeof credentialSchema>;

export function newCredential(principal: string): Credential {
  if (!principalName.test(principal)) throw new Error(`"${principal}" is not a valid principal name`);
  return { username: principal, password: randomBytes(24).toString('hex') };
}

export function credentialFile(dir: string, principal: string): string {
  return path.join(dir, `${principal}.json`);
}

export function hasCredential(dir: string, principal: string): boolean {
  return existsSync(credentialFile(dir, principal));
}

/** Reads a credential, refusing a file others can read. */
export function readCredential(dir: string, principal: string): Credential {
  const file = credentialFile(dir, principal);
  if (!existsSync(file)) throw new Error(`no Kafka credential for ${principal} in ${dir} (the cluster's set-up creates it)`);
  checkPrivate(file);
  return credentialSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export function writeCredential(dir: string, credential: Credential): void {
  writePrivate(credentialFile(dir, credential.username), JSON.stringify(credential) + '\n');
}

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Written to a temporary name and renamed, so a reader never sees half a file. */
export function writePrivate(file: string, content: string): void {
  ensurePrivateDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, file);
}

export function checkPrivate(file: string): void {
  const mode = statSync(file).mode & 0o077;
  if (mode !== 0) throw new Error(`${file} is readable by others (mode ${(statSync(file).mode & 0o777).toString(8)}): chmod 600 it`);
}
