/**
 * The agent's stream endpoint, on the log server's port: an upgrade to
 * WebSocket at /pods/{namespace}/{name}/exec|attach?container=&command=...
 * &stdin=&stdout=&stderr=&tty=&uid=, speaking the remote-command channel
 * protocol (remotecommand.ts) that the API relays from kubectl unchanged;
 * and at /pods/{namespace}/{name}/portforward?port=&uid=, raw bytes to the
 * pod's IP and port (port-forward.ts).
 * The caller must present the agent token; the pod (and uid, when given) must
 * be one this agent runs and the container must be running, otherwise the
 * upgrade is refused with a Status. Once upgraded, failures go to the error
 * channel, and the command's exit code ends the session.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Pod } from '../../shared/pod/schema';
import type { Logger } from '../../shared/ports';
import { badRequest, notFound, unauthorized } from '../../shared/kube/status';
import { bearerMatches, rejectUpgrade } from '../../shared/streams/upgrade';
import type { ContainerRuntime } from '../runtime/types';
import type { ContainerStreams, StreamSession, StreamSettings } from '../runtime/streams';
import { observePod, readySandbox } from '../sync/observe';
import { dial, relayBytes } from './port-forward';
import { CHANNEL, chooseProtocol, decodeClientFrame, encodeFrame, exitStatus, streamFailure, type RemoteCommandProtocol } from '../../shared/streams/remotecommand';

export interface StreamServerDeps {
  runtime: ContainerRuntime;
  /** Absent on nodes whose runtime runs no processes (hollow). */
  streams?: ContainerStreams;
  nodeName: string;
  token: string;
  findPod: (namespace: string, name: string) => Pod | undefined;
  logger: Logger;
}

export interface StreamServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

const ROUTE = /^\/pods\/([^/]+)\/([^/]+)\/(exec|attach|portforward)$/;

const flag = (q: URLSearchParams, name: string) => q.get(name) === 'true' || q.get(name) === '1';

export function createStreamServer(deps: StreamServerDeps): StreamServer {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => chooseProtocol(offered) ?? false });

  const prepare = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://agent');
    if (!bearerMatches(req.headers.authorization, deps.token)) return rejectUpgrade(socket, unauthorized());
    const match = ROUTE.exec(url.pathname);
    if (!match) return rejectUpgrade(socket, { ...notFound('paths', url.pathname), message: 'the server could not find the requested resource' });
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') return rejectUpgrade(socket, badRequest(`upgrade to ${req.headers.upgrade ?? 'nothing'} is not supported: streams use WebSocket`));
    const [namespace, name, verb] = [decodeURIComponent(match[1]), decodeURIComponent(match[2]), match[3] as 'exec' | 'attach' | 'portforward'];
    const pod = deps.findPod(namespace, name);
    const uid = url.searchParams.get('uid');
    if (!pod || (uid && pod.metadata.uid !== uid)) return rejectUpgrade(socket, { ...notFound('pods', name), message: `pods "${name}" not found on node ${deps.nodeName}` });
    if (verb === 'portforward') return forward(req, socket, head, pod, Number(url.searchParams.get('port')));
    const protocol = chooseProtocol(String(req.headers['sec-websocket-protocol'] ?? '').split(','));
    if (!protocol) return rejectUpgrade(socket, badRequest('a WebSocket subprotocol v5.channel.k8s.io or v4.channel.k8s.io is required'));
    if (!deps.streams) return rejectUpgrade(socket, badRequest(`node ${deps.nodeName} runs no processes (hollow runtime): ${verb} is not supported`));
    const container = url.searchParams.get('container') ?? '';
    if (!pod.spec.containers.some((c) => c.name === container)) return rejectUpgrade(socket, badRequest(`container ${container} is not valid for pod ${name}`));
    const current = observePod(await deps.runtime.list(deps.nodeName, pod.metadata.uid)).containers[container]?.[0];
    if (!current || current.state !== 'running') return rejectUpgrade(socket, badRequest(`container ${container} is not running`));
    const command = url.searchParams.getAll('command');
    if (verb === 'exec' && command.length === 0) return rejectUpgrade(socket, badRequest('you must specify at least 1 command'));
    const settings: StreamSettings = { stdin: flag(url.searchParams, 'stdin'), stdout: flag(url.searchParams, 'stdout'), stderr: flag(url.searchParams, 'stderr'), tty: flag(url.searchParams, 'tty') };
    if (settings.tty) settings.stderr = false; // a terminal has one output
    wss.handleUpgrade(req, socket, head, (ws) => {
      void run(ws, protocol, verb, current.id, command, settings);
    });
  };

  const forward = async (req: IncomingMessage, socket: Duplex, head: Buffer, pod: Pod, port: number) => {
    const name = pod.metadata.name;
    if (!Number.isInteger(port) || port < 1 || port > 65535) return rejectUpgrade(socket, badRequest('a port between 1 and 65535 is required'));
    const sandbox = readySandbox(observePod(await deps.runtime.list(deps.nodeName, pod.metadata.uid)));
    if (!sandbox?.ip) return rejectUpgrade(socket, badRequest(`pod ${name} has no running sandbox to forward port ${port} to`));
    const target = await dial(sandbox.ip, port).catch((err: Error) => err);
    if (target instanceof Error) {
      return rejectUpgrade(socket, streamFailure(`error forwarding port ${port} to pod ${name}, uid ${pod.metadata.uid}: dial tcp ${sandbox.ip}:${port}: ${target.message}`));
    }
    if (socket.destroyed) return void target.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => relayBytes(ws, target));
  };

  const run = async (ws: WebSocket, protocol: RemoteCommandProtocol, verb: 'exec' | 'attach', containerId: string, command: string[], settings: StreamSettings) => {
    const send = (channel: number, data: Buffer | string) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(encodeFrame(channel, data));
    };
    let session: StreamSession | null = null;
    const early: Buffer[] = [];
    const onFrame = (message: Buffer) => {
      if (!session) return void early.push(message);
      const frame = decodeClientFrame(message, protocol);
      if (frame.kind === 'stdin') session.writeStdin(frame.data);
      else if (frame.kind === 'resize') session.resize(frame.width, frame.height).catch(() => undefined);
      else if (frame.kind === 'close' && frame.channel === CHANNEL.stdin) session.closeStdin();
    };
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) onFrame(data);
    });
    ws.on('close', () => session?.abort());
    try {
      const sink = (stream: 'stdout' | 'stderr', data: Buffer) => send(stream === 'stdout' ? CHANNEL.stdout : CHANNEL.stderr, data);
      session = verb === 'exec' ? await deps.streams!.exec(containerId, command, settings, sink) : await deps.streams!.attach(containerId, settings, sink);
      if (ws.readyState !== WebSocket.OPEN) session.abort();
      for (const message of early.splice(0)) onFrame(message);
      const code = await session.finished;
      send(CHANNEL.error, JSON.stringify(exitStatus(code, command)));
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message, verb }, 'stream failed');
      send(CHANNEL.error, JSON.stringify(streamFailure((err as Error).message)));
    }
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
  };

  return {
    handleUpgrade: (req, socket, head) => {
      prepare(req, socket, head).catch((err: unknown) => {
        deps.logger.warn({ err: (err as Error).message, url: req.url }, 'stream upgrade failed');
        rejectUpgrade(socket, streamFailure((err as Error).message));
      });
    },
    close: () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
