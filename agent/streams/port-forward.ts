/**
 * The agent's half of port-forward: one WebSocket per forwarded connection,
 * carrying raw bytes to and from a TCP connection to the pod's IP (the
 * sandbox's address, which every container of the pod shares). The dial
 * happens before the upgrade, so a refused port is a Status the API shows.
 */
import type net from 'node:net';
import type { WebSocket } from 'ws';
import { podDial } from '../network/pod-dial';

/** Connects to host:port; rejects with the reason (ECONNREFUSED, or i/o timeout for an address nobody answers). */
export function dial(host: string, port: number, timeoutMs = 10_000): Promise<net.Socket> {
  // From wherever the node's pods are routed (agent/network/pod-dial.ts).
  return podDial(host, port, timeoutMs);
}

/** Relays until either side ends; a WebSocket close ends the TCP connection's writing side. */
export function relayBytes(ws: WebSocket, socket: net.Socket): void {
  socket.on('data', (chunk: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
  });
  socket.once('end', () => ws.close(1000));
  socket.once('error', () => ws.terminate());
  socket.once('close', () => {
    if (ws.readyState === ws.OPEN) ws.close(1000);
  });
  ws.on('message', (data: Buffer) => socket.write(data));
  ws.once('close', () => socket.end());
  ws.once('error', () => socket.destroy());
}
