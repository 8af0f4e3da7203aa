/**
 * What the API and the agent both need at an HTTP upgrade (exec, attach,
 * port-forward): the bearer-token check and a refusal written on the raw
 * socket as a Kubernetes Status, since an upgrade request never reaches a
 * route handler that could answer it.
 */
import { timingSafeEqual } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { K8sStatus } from '../events/status';

export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ') || token.length === 0) return false;
  const given = Buffer.from(header.slice('Bearer '.length).trim());
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Answers the upgrade request with the Status and closes the connection. */
export function rejectUpgrade(socket: Duplex, status: K8sStatus): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(status);
  socket.end(
    `HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
