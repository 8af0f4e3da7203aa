/**
 * port-forward on pods (`/api/v1/namespaces/{ns}/pods/{name}/portforward`).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../../shared/ports';
import { badRequest } from '../../../shared/pod/k8s-status';
import { rejectUpgrade } from '../../../shared/streams/upgrade';

export interface PortForwardTarget {
  endpoint: string;
  nodeName: string;
  namespace: string;
  name: string;
  uid: string;
  agentToken: string;
  logger: Logger;
}

export function portForwardUpgrade(_req: IncomingMessage, socket: Duplex, _head: Buffer, _target: PortForwardTarget): void {
  rejectUpgrade(socket, badRequest('port-forward is not supported by this server yet'));
}
