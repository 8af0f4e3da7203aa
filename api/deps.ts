/**
 * What the API's routes are built from, and how they answer a Status: its
 * own module, so the routes and the server that registers them do not import
 * each other.
 */
import type { FastifyReply } from 'fastify';
import type { K8sStatus, StatusCause } from '../shared/events';
import type { Clock, HistoryStore, Logger, NodeStore, PodStore, Publisher } from '../shared/ports';
import type { RcStore } from '../shared/rc/record';
import type { ConfigObjectStore } from '../shared/config-objects/record';
import type { EventFeed } from './event-feed';
import type { PodFeed } from './feed';
import type { ApiMetrics } from './metrics';
import type { Readiness } from './readiness';
import type { WatchLimiter } from './watch-limits';

export interface ApiDeps {
  podStore: PodStore;
  /** ReplicationControllers table; without it the rc routes are not served. */
  rcStore?: RcStore;
  /** ConfigObjects table; without it the configmaps and secrets routes are not served. */
  configStore?: ConfigObjectStore;
  nodeStore: NodeStore;
  historyStore: HistoryStore;
  publisher: Publisher;
  feed: PodFeed;
  /** Events as they are recorded (pod-history); without it, event watches answer 405. */
  eventFeed?: EventFeed;
  clock: Clock;
  logger: Logger;
  /** Bearer token clients must present. */
  token: string;
  /** Token the API presents to agents (logs). */
  agentToken: string;
  /** How long a write waits for its projection before answering 504. */
  writeTimeoutMs?: number;
  /** Admission beyond validation (cluster policy, pod security); causes refuse with 422. */
  admit?: (pod: unknown) => StatusCause[];
  bodyLimitBytes?: number;
  /** How often a watch that asked for bookmarks gets one (Kubernetes: about a minute). */
  watchBookmarkIntervalMs?: number;
  /** Request metrics, shared by the HTTP and HTTPS listeners; a fresh set when absent. */
  metrics?: ApiMetrics;
  /** Watch bounds (per-user cap, slow-watcher close), shared by both listeners; defaults when absent. */
  watchLimiter?: WatchLimiter;
  /** /readyz: the broker and store probes; always ready when absent. */
  readiness?: Readiness;
}

export function sendStatus(reply: FastifyReply, status: K8sStatus): FastifyReply {
  return reply.code(status.code).type('application/json').send(status);
}
