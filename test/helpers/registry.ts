/**
 * A real image registry for tests: Debian's `docker-registry` (scripts/setup.sh
 * installs it) on 127.0.0.1 at a free port, with its own config file, storage
 * directory and bcrypt htpasswd (apache2-utils' `htpasswd`), so pulls need
 * credentials. Docker treats 127.0.0.0/8 registries as insecure by default, so
 * plain HTTP works. `push` tags a local image into it and pushes with the
 * credentials, then removes the local tag, so a pod has to pull it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { freePort } from '../../shared/local/java-process';

export interface TestRegistry {
  /** host:port, the registry part of image references. */
  host: string;
  username: string;
  password: string;
  /** Pushes a local image as HOST/REPO:TAG and returns that reference (no local copy of it is left). */
  push(localImage: string, repoTag: string): Promise<string>;
  /** A `.dockerconfigjson` for these credentials (or others). */
  dockerConfigJson(username?: string, password?: string): string;
  stop(): Promise<void>;
}

const docker = new Docker();

async function follow(stream: NodeJS.ReadableStream): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
      const failed = err ?? out.find((o) => o.error)?.error;
      if (failed) reject(failed instanceof Error ? failed : new Error(failed));
      else resolve();
    }),
  );
}

export async function startRegistry(): Promise<TestRegistry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'podflow-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const username = 'puller';
  const password = randomBytes(9).toString('base64url');
  writeFileSync(path.join(dir, 'htpasswd'), execFileSync('htpasswd', ['-nbB', username, password]));
  const config = path.join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: {level: warn}',
      `storage: {filesystem: {rootdirectory: ${path.join(dir, 'data')}}}`,
      `http: {addr: "${host}", secret: ${randomBytes(12).toString('hex')}}`,
      `auth: {htpasswd: {realm: podflow-test, path: ${path.join(dir, 'htpasswd')}}}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = await fetch(`http://${host}/v2/`).then((r) => r.status, () => 0);
    if (answer === 401) break; // up, and asking for credentials
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry did not start on ${host} (answer ${answer}): ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const authconfig = { username, password, serveraddress: host };
  return {
    host,
    username,
    password,
    async push(localImage, repoTag) {
      const [repo, tag = 'latest'] = repoTag.split(':');
      const ref = `${host}/${repo}:${tag}`;
      await docker.getImage(localImage).tag({ repo: `${host}/${repo}`, tag });
      try {
        await follow(await docker.getImage(ref).push({ authconfig }));
      } finally {
        await docker.getImage(ref).remove({ noprune: true }).catch(() => undefined);
      }
      return ref;
    },
    dockerConfigJson(user = username, pass = password) {
      return JSON.stringify({ auths: { [host]: { username: user, password: pass, auth: Buffer.from(`${user}:${pass}`).toString('base64') } } });
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
