/**
 * The consumer side of node signatures: wraps the handler of node-heartbeats
 * or pod-status so a record that is not signed by the node it names never
 * reaches it. The refusal is a non-retryable error, so the batch runner sends
 * the record to dead-letter with the reason and the node's state is untouched.
 * Without keys (a broker without authentication) records pass as before.
 */
import { ValidationError } from '../errors';
import type { InboundRecord } from '../runtime/batch-runner';
import type { NodeKeys } from './node-keys';
import { recordNode, verifyNodeRecord } from './node-signature';

export function requireNodeSignature<E>(keys: NodeKeys | null, handle: (event: E, record: InboundRecord) => Promise<void>): (event: E, record: InboundRecord) => Promise<void> {
  if (!keys) return handle;
  return async (event, record) => {
    const verdict = verifyNodeRecord({ node: recordNode(event), value: record.value, headers: record.headers, keys });
    if (!verdict.ok) throw new ValidationError(`node authentication: ${verdict.reason}`);
    await handle(event, record);
  };
}
