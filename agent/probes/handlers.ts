/**
 * Runs one probe or lifecycle-hook handler against a container, as the kubelet
 * does: `exec` runs the command in the container (success = exit 0),
 * `httpGet` asks the pod IP (success = 200..399), `tcpSocket` opens a
 * connection, `sleep` waits. Every handler is bounded by a timeout and answers
 * a result with kubelet's wording of the failure (the text that ends up in
 * `Unhealthy` and `FailedPostStartHook` events); none throws.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { Container, LifecycleHandler, Probe } from '../../shared/pod/schema';
import type { ContainerStreams } from '../runtime/streams';
import { podDial } from '../network/pod-dial';

export interface HandlerTarget {
  containerId: string;
  podIP: string | undefined;
  spec: Container;
}

export interface HandlerResult {
  ok: boolean;
  /** The command's output, or why it failed. */
  output: string;
}

export interface HandlerDeps {
  streams?: ContainerStreams;
}

const MAX_OUTPUT = 10 * 1024;

type Handler = Pick<Probe, 'exec' | 'httpGet' | 'tcpSocket'> & Pick<LifecycleHandler, 'sleep'>;

/** A port by number or by the name of one of the container's ports. */
export function resolvePort(port: number | string, spec: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return spec.ports?.find((p) => p.name === port)?.containerPort;
}

export async function runHandler(handler: Handler, target: HandlerTarget, timeoutMs: number, deps: HandlerDeps): Promise<HandlerResult> {
  try {
    if (handler.exec) return await execHandler(handler.exec.command ?? [], target, timeoutMs, deps);
    if (handler.httpGet) return await httpHandler(handler.httpGet, target, timeoutMs);
    if (handler.tcpSocket) return await tcpHandler(handler.tcpSocket, target, timeoutMs);
    if (handler.sleep) {
      await new Promise((r) => setTimeout(r, handler.sleep!.seconds * 1000));
      return { ok: true, output: '' };
    }
    return { ok: false, output: 'no handler' };
  } catch (err) {
    return { ok: false, output: err instanceof Error ? err.message : String(err) };
  }
}

async function execHandler(command: string[], target: HandlerTarget, timeoutMs: number, deps: HandlerDeps): Promise<HandlerResult> {
  if (!deps.streams) return { ok: false, output: 'this node runs no processes (hollow runtime): exec handlers cannot run' };
  const chunks: Buffer[] = [];
  let size = 0;
  const session = await deps.streams.exec(target.containerId, command, { stdin: false, stdout: true, stderr: true, tty: false }, (_stream, data) => {
    if (size < MAX_OUTPUT) chunks.push(data);
    size += data.length;
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([session.finished, timedOut]).finally(() => clearTimeout(timer));
  const output = Buffer.concat(chunks).subarray(0, MAX_OUTPUT).toString('utf8');
  if (outcome === 'timeout') {
    session.abort();
    return { ok: false, output: `command timed out: "${command.join(' ')}" timed out after ${timeoutMs / 1000}s` };
  }
  if (outcome === 0) return { ok: true, output };
  return { ok: false, output: output || `command '${command.join(' ')}' exited with ${outcome}` };
}

function httpHandler(action: NonNullable<Handler['httpGet']>, target: HandlerTarget, timeoutMs: number): Promise<HandlerResult> {
  const port = resolvePort(action.port, target.spec);
  const host = action.host ?? target.podIP;
  if (port === undefined) return Promise.resolve({ ok: false, output: `unable to find port "${action.port}" in container ${target.spec.name}` });
  if (!host) return Promise.resolve({ ok: false, output: 'the pod has no IP yet' });
  const scheme = (action.scheme ?? 'HTTP').toLowerCase();
  const path = action.path ?? '/';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.31', Accept: '*/*' };
  for (const h of action.httpHeaders ?? []) headers[h.name] = h.value;
  return new Promise((resolve) => {
    const client = scheme === 'https' ? https : http;
    // Plain HTTP goes through the node's pod dialer (agent/network/pod-dial.ts); the TLS client dials itself.
    const viaPodDialer =
      scheme === 'https'
        ? {}
        : { createConnection: (_o: unknown, done: (err: Error | null, s: Duplex) => void) => void podDial(host, port, timeoutMs).then((s) => done(null, s), (err: Error) => done(err, undefined as unknown as Duplex)) };
    const req = client.get(url, { headers, timeout: timeoutMs, rejectUnauthorized: false, ...viaPodDialer }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_OUTPUT) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const body = Buffer.concat(chunks).subarray(0, MAX_OUTPUT).toString('utf8');
        resolve(status >= 200 && status < 400 ? { ok: true, output: body } : { ok: false, output: `HTTP probe failed with statuscode: ${status}` });
      });
      res.on('error', (err) => resolve({ ok: false, output: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, output: err.message.startsWith('Get "') ? err.message : `Get "${url}": ${dialError(host, port, err)}` }));
  });
}

function dialError(host: string, port: number, err: NodeJS.ErrnoException): string {
  const reason = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.code === 'EHOSTUNREACH' ? 'connect: no route to host' : err.message;
  return `dial tcp ${host}:${port}: ${reason}`;
}

function tcpHandler(action: NonNullable<Handler['tcpSocket']>, target: HandlerTarget, timeoutMs: number): Promise<HandlerResult> {
  const port = resolvePort(action.port, target.spec);
  const host = action.host ?? target.podIP;
  if (port === undefined) return Promise.resolve({ ok: false, output: `unable to find port "${action.port}" in container ${target.spec.name}` });
  if (!host) return Promise.resolve({ ok: false, output: 'the pod has no IP yet' });
  return podDial(host, port, timeoutMs).then(
    (socket) => {
      socket.destroy();
      return { ok: true, output: '' };
    },
    (err: NodeJS.ErrnoException) => ({ ok: false, output: err.message === 'i/o timeout' ? `dial tcp ${host}:${port}: i/o timeout` : dialError(host, port, err) }),
  );
}

/** Kubelet's wording of a failed hook, for FailedPostStartHook / FailedPreStopHook events. */
export function hookFailureMessage(hook: LifecycleHandler, container: string, podRef: string, output: string): string {
  if (hook.exec) return `Exec lifecycle hook (${JSON.stringify(hook.exec.command ?? [])}) for Container "${container}" in Pod "${podRef}" failed - error: ${output}`;
  if (hook.httpGet) return `HTTP lifecycle hook (${hook.httpGet.path ?? '/'}) for Container "${container}" in Pod "${podRef}" failed - error: ${output}`;
  return `Lifecycle hook for Container "${container}" in Pod "${podRef}" failed - error: ${output}`;
}
