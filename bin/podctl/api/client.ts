/**
 * The HTTP edge of podctl: Kubernetes REST calls over Node's built-in fetch,
 * with the bearer token, JSON in and out, and failures turned into ApiError or
 * ConnectionError. Streams (watch, logs -f) hand back the response body.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import type { Connection } from './kubeconfig';
import { ApiError, ConnectionError, statusFromResponse } from './errors';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

export type FetchLike = typeof fetch;

export function buildUrl(server: string, path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `${server}${path}${qs ? `?${qs}` : ''}`;
}

/** fetch that trusts the kubeconfig's CA (or skips verification when it says so) for https servers. */
export function fetchFor(connection: Connection): FetchLike {
  if (!connection.server.startsWith('https:') || (!connection.caPem && !connection.insecureSkipTlsVerify)) return fetch;
  const dispatcher = new Agent({ connect: { ca: connection.caPem, rejectUnauthorized: !connection.insecureSkipTlsVerify } });
  return ((input: string, init?: object) => undiciFetch(input, { ...(init ?? {}), dispatcher } as never)) as unknown as FetchLike;
}

export class ApiClient {
  private readonly fetchImpl: FetchLike;

  constructor(
    readonly connection: Connection,
    fetchImpl?: FetchLike,
  ) {
    this.fetchImpl = fetchImpl ?? fetchFor(connection);
  }

  get namespace(): string {
    return this.connection.namespace;
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return this.json<T>('GET', path, { query });
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('POST', path, { body });
  }

  async put<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PUT', path, { body });
  }

  async mergePatch<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PATCH', path, { body, contentType: 'application/merge-patch+json' });
  }

  async delete<T>(path: string, query?: Query, body?: unknown): Promise<T> {
    return this.json<T>('DELETE', path, { query, body });
  }

  /** Opens a streaming GET (watch, follow logs) and returns its body once the status is OK. */
  async stream(path: string, query?: Query, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const response = await this.send('GET', path, { query, signal });
    if (!response.body) throw new ConnectionError(this.connection.server, false, 'the server sent no body');
    return response.body;
  }

  /** A plain-text GET (logs without follow). */
  async text(path: string, query?: Query): Promise<string> {
    return (await this.send('GET', path, { query })).text();
  }

  private async json<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.connection.token) headers.Authorization = `Bearer ${this.connection.token}`;
    if (options.body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(buildUrl(this.connection.server, path, options.query), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const host = this.connection.server.replace(/^[a-z]+:\/\//, '');
      throw new ConnectionError(host, cause?.code === 'ECONNREFUSED', cause?.message ?? (err as Error).message);
    }
    if (!response.ok) throw new ApiError(statusFromResponse(response.status, await response.text()));
    return response;
  }
}
