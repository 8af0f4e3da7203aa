/**
 * Which node sent a heartbeat or a status record. Kafka ACLs let every node
 * write node-heartbeats and pod-status but cannot restrict keys, so a node
 * could speak for another; the producer therefore adds two headers: the
 * principal it claims (`node-<name>`) and an HMAC-SHA256, with the node's own
 * key, over the node name and the record value. The consumers (node-lifecycle,
 * status-recorder) recompute it with the key of the node the record names: a
 * record without it, claiming another node, or not matching is refused.
 * Pure: keys come in, a verdict goes out.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { TOPICS } from '../events/topics';
import { nodePrincipal } from './credentials';
import type { NodeKeys } from './node-keys';

export const PRINCIPAL_HEADER = 'podflow-principal';
export const SIGNATURE_HEADER = 'podflow-signature';

/** The topics whose records speak for one node. */
export const NODE_SIGNED_TOPICS: readonly string[] = [TOPICS.nodeHeartbeats, TOPICS.podStatus];

export function nodeSignature(key: Buffer, nodeName: string, value: string): string {
  return createHmac('sha256', key).update(nodeName).update('\n').update(value).digest('base64');
}

export function signedHeaders(nodeName: string, key: Buffer, value: string): Record<string, string> {
  return { [PRINCIPAL_HEADER]: nodePrincipal(nodeName), [SIGNATURE_HEADER]: nodeSignature(key, nodeName, value) };
}

/** The node a record speaks for: the heartbeat's node, the status' node. */
export function recordNode(event: unknown): string | undefined {
  const data = (event as { data?: { node?: { name?: unknown }; nodeName?: unknown } } | null)?.data;
  const name = data?.node?.name ?? data?.nodeName;
  return typeof name === 'string' ? name : undefined;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

export function verifyNodeRecord(o: { node: string | undefined; value: string | null; headers: Readonly<Record<string, string>> | undefined; keys: NodeKeys }): Verdict {
  if (!o.node) return { ok: false, reason: 'the record names no node' };
  const principal = o.headers?.[PRINCIPAL_HEADER];
  const signature = o.headers?.[SIGNATURE_HEADER];
  if (!principal || !signature) return { ok: false, reason: `unsigned record for node ${o.node} (no ${PRINCIPAL_HEADER}/${SIGNATURE_HEADER} header)` };
  if (principal !== nodePrincipal(o.node)) return { ok: false, reason: `record for node ${o.node} sent by ${principal}` };
  const key = o.keys.keyOf(o.node);
  if (!key) return { ok: false, reason: `node ${o.node} has no signing key (it never joined)` };
  const expected = Buffer.from(nodeSignature(key, o.node, o.value ?? ''), 'base64');
  const given = Buffer.from(signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: `signature of ${principal} does not verify for node ${o.node}` };
  return { ok: true };
}

/** Headers a publisher adds to a record it sends (shared/adapters/kafka/publisher.ts). */
export type RecordHeaders = (topic: string, event: unknown, value: string) => Record<string, string>;

/** An agent signs every heartbeat and status as itself, whatever node the record names. */
export function nodeSigner(nodeName: string, key: Buffer): RecordHeaders {
  return (topic, _event, value) => (NODE_SIGNED_TOPICS.includes(topic) ? signedHeaders(nodeName, key, value) : {});
}

/** A process that hosts many nodes (a hollow fleet, a test acting as nodes) signs each record as the node it names. */
export function fleetSigner(keys: NodeKeys): RecordHeaders {
  return (topic, event, value) => {
    if (!NODE_SIGNED_TOPICS.includes(topic)) return {};
    const node = recordNode(event);
    let key: Buffer | undefined;
    try {
      key = node ? keys.keyOf(node) : undefined;
    } catch {
      key = undefined; // a name no node can have: the record goes unsigned and is refused
    }
    return node && key ? signedHeaders(node, key, value) : {};
  };
}
