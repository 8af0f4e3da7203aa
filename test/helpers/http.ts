/** A bearer-token JSON client for the API under test: status and parsed body (text when not JSON). */
export type Requester = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

export function requester(baseUrl: () => string, token: string): Requester {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) };
    } catch {
      return { status: res.status, body: text };
    }
  };
}
