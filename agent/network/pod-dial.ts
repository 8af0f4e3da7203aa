/**
 * How the agent opens a TCP connection to a pod (port-forward, httpGet and
 * tcpSocket probes and hooks). On a real host, and with one engine shared by
 * several nodes, the agent shares the pods' host network and dials directly.
 * When the node's host is a network namespace the agent does not live in (the
 * local multi-host launcher), pod addresses are routed only there, so the
 * dial goes through a helper running in that namespace (netns-dialer.ts). One
 * process is one node, so the choice is made once, at start.
 */
import net from 'node:net';

export type PodDialer = (host: string, port: number, timeoutMs: number) => Promise<net.Socket>;

/** Connects to host:port; rejects with the socket's error (its `code`: ECONNREFUSED, ...), or `i/o timeout`. */
export const directDial: PodDialer = (host, port, timeoutMs) =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('i/o timeout')));
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', reject);
  });

let current: PodDialer = directDial;

export function usePodDialer(dialer: PodDialer): void {
  current = dialer;
}

export function podDial(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return current(host, port, timeoutMs);
}
