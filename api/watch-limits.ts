/**
 * Bounds on watch streams, as the Kubernetes API server bounds them: a watcher
 * that does not read is closed once the bytes queued for it pass a limit (the
 * API server drops a watcher whose channel is full; kubectl and informers then
 * re-watch from their last resourceVersion), and one user may hold only so
 * many watches at once (beyond it: 429 TooManyRequests with Retry-After).
 * The user is the bearer token presented (a hash of it, never the token).
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { K8sStatus } from '../shared/events';
import { sendStatus } from './deps';

export interface WatchLimitSettings {
  /** Concurrent watches per user. */
  maxPerUser: number;
  /** Bytes queued on one watch's socket beyond which the watcher is closed as too slow. */
  maxBufferedBytes: number;
  /** Seconds a refused client is told to wait. */
  retryAfterSeconds: number;
}

export const DEFAULT_WATCH_LIMITS: WatchLimitSettings = { maxPerUser: 100, maxBufferedBytes: 4 * 1024 * 1024, retryAfterSeconds: 1 };

export function tooManyRequests(message: string, retryAfterSeconds: number): K8sStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds } };
}

/** Whether one more watch may open: pure, for table tests. */
export function admitWatch(open: number, settings: Pick<WatchLimitSettings, 'maxPerUser'>): boolean {
  return open < settings.maxPerUser;
}

/** Whether a watcher with this many bytes queued must be closed. */
export function tooSlow(bufferedBytes: number, settings: Pick<WatchLimitSettings, 'maxBufferedBytes'>): boolean {
  return bufferedBytes > settings.maxBufferedBytes;
}

function userOf(req: FastifyRequest): string {
  const auth = req.headers.authorization ?? '';
  return createHash('sha256').update(auth).digest('hex').slice(0, 16);
}

export class WatchLimiter {
  private readonly open = new Map<string, number>();
  readonly settings: WatchLimitSettings;

  constructor(settings: Partial<WatchLimitSettings> = {}) {
    this.settings = { ...DEFAULT_WATCH_LIMITS, ...settings };
  }

  /**
   * Takes a slot for this request's user, or answers 429 and returns null.
   * The returned function gives the slot back (once, however often called).
   */
  acquire(req: FastifyRequest, reply: FastifyReply): (() => void) | null {
    const user = userOf(req);
    const count = this.open.get(user) ?? 0;
    if (!admitWatch(count, this.settings)) {
      const s = this.settings.retryAfterSeconds;
      reply.header('retry-after', String(s));
      void sendStatus(reply, tooManyRequests(`too many watches open for this user (limit ${this.settings.maxPerUser}); retry after ${s}s`, s));
      return null;
    }
    this.open.set(user, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(user) ?? 1) - 1;
      if (left <= 0) this.open.delete(user);
      else this.open.set(user, left);
    };
  }

  openFor(req: FastifyRequest): number {
    return this.open.get(userOf(req)) ?? 0;
  }
}

const shared = new WeakMap<object, WatchLimiter>();

/** The limiter of the API a request reached (set by buildApi; a default one otherwise). */
export function limiterOf(req: FastifyRequest): WatchLimiter {
  const server = req.server as unknown as object;
  let limiter = shared.get(server);
  if (!limiter) {
    limiter = new WatchLimiter();
    shared.set(server, limiter);
  }
  return limiter;
}

export function useWatchLimiter(server: object, limiter: WatchLimiter): void {
  shared.set(server, limiter);
}
