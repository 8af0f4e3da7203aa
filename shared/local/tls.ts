/**
 * A local certificate authority and a server certificate for 127.0.0.1, made
 * once with openssl and kept under the state directory. kubectl sends bearer
 * tokens only over TLS, so the API also listens on HTTPS with this certificate.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface LocalTls {
  caFile: string;
  certFile: string;
  keyFile: string;
  caPem: string;
}

export function ensureLocalTls(dir: string): LocalTls {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (name: string) => path.join(dir, name);
  const tls: LocalTls = { caFile: f('ca.crt'), certFile: f('server.crt'), keyFile: f('server.key'), caPem: '' };
  if (!existsSync(tls.caFile) || !existsSync(tls.certFile) || !existsSync(tls.keyFile)) {
    const run = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650', '-subj', '/CN=podflow-local-ca', '-keyout', f('ca.key'), '-out', tls.caFile);
    run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=podflow-api', '-keyout', tls.keyFile, '-out', f('server.csr'));
    writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    run('x509', '-req', '-in', f('server.csr'), '-CA', tls.caFile, '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '825', '-extfile', f('server.ext'), '-out', tls.certFile);
    // openssl writes keys with the umask's mode; they are secrets (checked at start by state-dir.ts).
    for (const key of [f('ca.key'), tls.keyFile]) chmodSync(key, 0o600);
  }
  tls.caPem = readFileSync(tls.caFile, 'utf8');
  return tls;
}
