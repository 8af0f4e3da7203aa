/**
 * Reads a Kubernetes watch: newline-delimited JSON `{type, object}` events from
 * a streaming body, split on newlines whatever the chunking, so a line cut
 * across two chunks is still one event.
 */
import type { WatchEvent } from '../../../shared/display/kube-types';

export async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = '';
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, newline).trim();
        rest = rest.slice(newline + 1);
        if (line) yield line;
      }
    }
    rest += decoder.decode();
    if (rest.trim()) yield rest.trim();
  } finally {
    reader.releaseLock();
  }
}

export async function* readWatchEvents<T>(body: ReadableStream<Uint8Array>): AsyncGenerator<WatchEvent<T>> {
  for await (const line of readLines(body)) yield JSON.parse(line) as WatchEvent<T>;
}
