/**
 * port-forward on pods (`/api/v1/namespaces/{ns}/pods/{name}/portforward`) as
 * kubectl 1.31 opens it: SPDY/3.1 tunnelled in a WebSocket (subprotocol
 * `SPDY/3.1+portforward.k8s.io`), or, when that fails, a plain `Upgrade:
 * SPDY/3.1` with `X-Stream-Protocol-Version: portforward.k8s.io`. The API ends
 * the SPDY connection here (portforward/spdy-session.ts) and carries each
 * forwarded connection to the pod's agent as its own WebSocket of raw bytes;
 * the agent dials the pod's IP and port.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../shared/ports';
import { badRequest } from '../../shared/kube/status';
import { rejectUpgrade } from '../../shared/streams/upgrade';
import { serveSpdyPortForward, type TunnelOpener } from '../portforward/spdy-session';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
export const TUNNELED_PORT_FORWARD_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;

export interface PortForwardTarget {
  endpoint: string;
  nodeName: string;
  namespace: string;
  name: string;
  uid: string;
  agentToken: string;
  logger: Logger;
}

// `SPDY/3.1+portforward.k8s.io` has a '/', which is not a token character, so ws would refuse the
// offer as malformed: the request is handed to ws without it, and the answer names it (the 'headers' event).
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
wss.on('headers', (headers) => headers.push(`Sec-WebSocket-Protocol: ${TUNNELED_PORT_FORWARD_PROTOCOL}`));

/** A byte tunnel to the pod's port through its agent; rejects with the agent's reason. */
function agentTunnel(target: PortForwardTarget): TunnelOpener {
  return (port) =>
    new Promise<Duplex>((resolve, reject) => {
      const query = new URLSearchParams({ port: String(port), uid: target.uid });
      const url = `${target.endpoint.replace(/^http/, 'ws')}/pods/${encodeURIComponent(target.namespace)}/${encodeURIComponent(target.name)}/portforward?${query}`;
      const upstream = new WebSocket(url, { headers: { authorization: `Bearer ${target.agentToken}` }, perMessageDeflate: false });
      upstream.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let message = body.trim() || `node ${target.nodeName} answered ${res.statusCode}`;
          try {
            message = (JSON.parse(body) as { message?: string }).message ?? message;
          } catch {
            // plain text
          }
          reject(new Error(message));
        });
      });
      upstream.once('error', (err) => reject(new Error(`node ${target.nodeName} is not reachable for port-forward: ${err.message}`)));
      upstream.once('open', () => {
        upstream.removeAllListeners('error');
        const stream = createWebSocketStream(upstream);
        stream.on('error', () => stream.destroy());
        resolve(stream);
      });
    });
}

export function portForwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: PortForwardTarget): void {
  const upgrade = req.headers.upgrade?.toLowerCase();
  const open = agentTunnel(target);
  if (upgrade === 'websocket') {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(TUNNELED_PORT_FORWARD_PROTOCOL)) {
      return rejectUpgrade(socket, badRequest(`port-forward over WebSocket needs the subprotocol ${TUNNELED_PORT_FORWARD_PROTOCOL}`));
    }
    delete req.headers['sec-websocket-protocol'];
    return wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = createWebSocketStream(ws);
      serveSpdyPortForward(conn, open, target.logger);
    });
  }
  if (upgrade === 'spdy/3.1') {
    const versions = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((p) => p.trim());
    if (!versions.includes(PORT_FORWARD_PROTOCOL)) return rejectUpgrade(socket, badRequest(`port-forward needs X-Stream-Protocol-Version ${PORT_FORWARD_PROTOCOL}`));
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`);
    if (head.length > 0) socket.unshift(head);
    return serveSpdyPortForward(socket, open, target.logger);
  }
  rejectUpgrade(socket, badRequest(`upgrade to ${req.headers.upgrade ?? 'nothing'} is not supported for port-forward: use WebSocket (${TUNNELED_PORT_FORWARD_PROTOCOL}) or SPDY/3.1`));
}
