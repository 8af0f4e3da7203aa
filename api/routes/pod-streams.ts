/**
 * exec and attach on pods (`/api/v1/namespaces/{ns}/pods/{name}/exec|attach`),
 * as kubectl 1.30+ and the official clients open them: an HTTP upgrade to
 * WebSocket with the `v5.channel.k8s.io` (or v4) subprotocol. An upgrade never
 * reaches fastify's routes, so this listens on the server's `upgrade` event,
 * checks the caller's bearer token, picks the target (stream-target.ts), opens
 * the same stream to the agent of the pod's node (its endpoint comes from the
 * node's heartbeat, the agent token authenticates the API) and relays the
 * messages both ways unchanged: the agent speaks the channel protocol. Every
 * refusal before the upgrade is a Status on the raw socket.
 */
import { nodeAgentToken } from '../../shared/auth/agent-token';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { K8sStatus } from '../../shared/events';
import { badRequest, notFound, unauthorized } from '../../shared/kube/status';
import { bearerMatches, rejectUpgrade } from '../../shared/streams/upgrade';
import { chooseProtocol } from '../../shared/streams/remotecommand';
import type { ApiDeps } from '../deps';
import { streamTarget, type StreamVerb } from '../stream-target';
import { portForwardUpgrade } from './pod-portforward';

const ROUTE = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/;

/** Close codes a peer may send on; anything else (1005 no code, 1006 abnormal) becomes a normal close. */
const sendableClose = (code: number) => (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);

function badGateway(message: string): K8sStatus {
  return { ...badRequest(message), code: 502, reason: 'BadGateway' };
}

/** The agent refused the upgrade: pass its Status on, or wrap its text in one. */
function refusal(statusCode: number, body: string): K8sStatus {
  try {
    const parsed = JSON.parse(body) as K8sStatus;
    if (parsed?.kind === 'Status') return parsed;
  } catch {
    // not JSON: a plain-text answer
  }
  return { ...badRequest(body.trim() || `the node answered ${statusCode}`), code: statusCode >= 400 ? statusCode : 502 };
}

export function podStreamRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const negotiated = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (_offered, req) => negotiated.get(req) ?? false });

  const relay = (client: WebSocket, upstream: WebSocket, early: { data: RawData; isBinary: boolean }[]) => {
    upstream.removeAllListeners('message');
    for (const m of early) client.send(m.data, { binary: m.isBinary });
    upstream.on('message', (data, isBinary) => {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    });
    client.on('message', (data, isBinary) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
    });
    upstream.on('close', (code) => client.close(sendableClose(code) ? code : 1000));
    client.on('close', (code) => upstream.close(sendableClose(code) ? code : 1000));
    upstream.on('error', () => client.terminate());
    client.on('error', () => upstream.terminate());
  };

  const handle = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://api');
    const match = ROUTE.exec(url.pathname);
    if (!match) {
      return rejectUpgrade(socket, { ...notFound('paths', url.pathname), message: 'the server could not find the requested resource' });
    }
    if (!bearerMatches(req.headers.authorization, deps.token)) return rejectUpgrade(socket, unauthorized());
    const [namespace, name, verb] = [decodeURIComponent(match[1]), decodeURIComponent(match[2]), match[3] as StreamVerb];
    const record = await deps.podStore.get(namespace, name);
    const target = streamTarget(record, name, verb, url.searchParams.get('container') ?? undefined);
    if (!target.ok) return rejectUpgrade(socket, target.status);
    const node = await deps.nodeStore.get(target.nodeName);
    if (!node?.node.endpoint) return rejectUpgrade(socket, badRequest(`node ${target.nodeName} serves no streams yet`));
    if (verb === 'portforward') return portForwardUpgrade(req, socket, head, { endpoint: node.node.endpoint, nodeName: node.name, namespace, name, uid: target.uid, agentToken: nodeAgentToken(deps.agentToken, node.name), logger: deps.logger });
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') {
      return rejectUpgrade(socket, badRequest(`upgrade to ${req.headers.upgrade ?? 'nothing'} is not supported for ${verb}: this server streams over WebSocket (v5.channel.k8s.io)`));
    }
    const protocol = chooseProtocol(String(req.headers['sec-websocket-protocol'] ?? '').split(','));
    if (!protocol) return rejectUpgrade(socket, badRequest('a WebSocket subprotocol v5.channel.k8s.io or v4.channel.k8s.io is required'));

    const query = new URLSearchParams();
    for (const key of ['stdin', 'stdout', 'stderr', 'tty']) if (url.searchParams.has(key)) query.set(key, url.searchParams.get(key)!);
    for (const part of url.searchParams.getAll('command')) query.append('command', part);
    query.set('container', target.container);
    query.set('uid', target.uid);
    const agentUrl = `${node.node.endpoint.replace(/^http/, 'ws')}/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${verb}?${query}`;
    const upstream = new WebSocket(agentUrl, [protocol], { headers: { authorization: `Bearer ${nodeAgentToken(deps.agentToken, node.name)}` }, perMessageDeflate: false });
    const early: { data: RawData; isBinary: boolean }[] = [];
    upstream.on('message', (data, isBinary) => early.push({ data, isBinary }));
    socket.on('error', () => upstream.terminate());
    upstream.on('unexpected-response', (_r, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => rejectUpgrade(socket, refusal(res.statusCode ?? 502, Buffer.concat(chunks).toString('utf8'))));
      res.on('error', () => rejectUpgrade(socket, badGateway(`node ${node.name} broke off the ${verb} answer`)));
    });
    upstream.once('error', (err) => rejectUpgrade(socket, badGateway(`node ${node.name} is not reachable for ${verb}: ${err.message}`)));
    upstream.once('open', () => {
      upstream.removeAllListeners('error');
      upstream.removeAllListeners('unexpected-response');
      negotiated.set(req, upstream.protocol);
      if (socket.destroyed) return upstream.terminate();
      wss.handleUpgrade(req, socket, head, (client) => relay(client, upstream, early));
    });
  };

  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    handle(req, socket, head).catch((err: unknown) => {
      deps.logger.error({ err: (err as Error).message, url: req.url }, 'stream upgrade failed');
      rejectUpgrade(socket, { ...badRequest((err as Error).message), code: 500, reason: 'InternalError' });
    });
  });
  app.addHook('onClose', async () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
  });
}
