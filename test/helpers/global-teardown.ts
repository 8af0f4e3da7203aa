/** Stops the suite's broker and store and removes their data. */
import { rmSync } from 'node:fs';

interface Parts {
  broker: { stop(): Promise<void> };
  dynamo: { stop(): Promise<void> };
  dir: string;
}

export default async function globalTeardown(): Promise<void> {
  const parts = (globalThis as { podflowSuiteParts?: Parts }).podflowSuiteParts;
  if (!parts) return;
  await Promise.all([parts.broker.stop(), parts.dynamo.stop()]);
  rmSync(parts.dir, { recursive: true, force: true });
}
