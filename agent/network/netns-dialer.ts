/**
 * Dials pods from inside the node's host namespace for an agent that lives
 * outside it. The helper is this file run as a script under
 * `nsenter --net=<namespace>`; it listens on a unix socket (a file, so both
 * namespaces see it). Per connection the agent writes `host port\n`; the
 * helper dials and answers `ok\n` (then relays bytes both ways) or
 * `err CODE message\n` and closes, so a refused port is the same error to the
 * agent as a direct dial's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import type { PodDialer } from './pod-dial';

function readLine(socket: net.Socket, onLine: (line: string) => void, onFail: (err: Error) => void): void {
  let buf = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    const nl = buf.indexOf(10);
    if (nl < 0) {
      if (buf.length > 512) onFail(new Error('dialer: line too long'));
      return;
    }
    socket.off('data', onData);
    socket.pause();
    const rest = buf.subarray(nl + 1);
    if (rest.length > 0) socket.unshift(rest);
    onLine(buf.subarray(0, nl).toString('utf8'));
  };
  socket.on('data', onData);
}

/** The helper's side: runs inside the host namespace. */
export function serveDialer(socketPath: string): net.Server {
  if (existsSync(socketPath)) rmSync(socketPath);
  const server = net.createServer((client) => {
    client.on('error', () => client.destroy());
    readLine(
      client,
      (line) => {
        const [host, portText, timeoutText] = line.split(' ');
        const target = net.connect({ host, port: Number(portText) });
        target.setTimeout(Number(timeoutText) || 10_000, () => target.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })));
        target.once('error', (err: NodeJS.ErrnoException) => {
          client.end(`err ${err.code ?? 'EIO'} ${err.message}\n`);
        });
        target.once('connect', () => {
          target.setTimeout(0);
          target.removeAllListeners('error');
          target.on('error', () => client.destroy());
          client.write('ok\n');
          client.pipe(target);
          target.pipe(client);
          client.resume();
        });
      },
      () => client.destroy(),
    );
  });
  server.listen(socketPath);
  return server;
}

export interface NetnsDialer {
  dial: PodDialer;
  close(): void;
}

/** Starts the helper in `netnsPath` and returns the agent's dialer through it. */
export async function startNetnsDialer(netnsPath: string, socketPath: string): Promise<NetnsDialer> {
  if (existsSync(socketPath)) rmSync(socketPath);
  const child: ChildProcess = spawn('nsenter', [`--net=${netnsPath}`, '--', process.execPath, __filename, socketPath], { stdio: ['pipe', 'ignore', 'inherit'] });
  for (let i = 0; i < 100 && !existsSync(socketPath); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!existsSync(socketPath)) {
    child.kill();
    throw new Error(`the pod dialer in ${netnsPath} did not start`);
  }
  const dial: PodDialer = (host, port, timeoutMs) =>
    new Promise((resolve, reject) => {
      const socket = net.connect({ path: socketPath });
      socket.once('error', reject);
      socket.write(`${host} ${port} ${timeoutMs}\n`);
      readLine(
        socket,
        (line) => {
          if (line === 'ok') {
            socket.removeAllListeners('error');
            resolve(socket);
            // After the caller's continuation has attached its listeners (promise jobs run before immediates).
            setImmediate(() => socket.resume());
            return;
          }
          const [, code, ...message] = line.split(' ');
          socket.destroy();
          reject(Object.assign(new Error(message.join(' ') || 'dial failed'), { code }));
        },
        (err) => {
          socket.destroy();
          reject(err);
        },
      );
    });
  return {
    dial,
    close: () => {
      // Its stdin closing ends the helper (see below); the signal is for a helper that is stuck.
      child.stdin?.end();
      child.kill();
    },
  };
}

if (require.main === module) {
  const server = serveDialer(process.argv[2]);
  // The agent holds our stdin: when it goes, so do we.
  process.stdin.on('end', () => server.close(() => process.exit(0)));
  process.stdin.resume();
}
