/**
 * Which DynamoDB errors can succeed on another try. A lost condition is a
 * conflict (re-read and decide again); throttling, server faults and network
 * errors are transient; a request DynamoDB refuses as such (an item over the
 * 400 KB limit, a malformed request) fails the same way every time, so the
 * batch runner must dead-letter it instead of retrying it forever.
 */

export type DynamoErrorKind = 'conflict' | 'permanent' | 'transient';

/** Client errors that no retry of the same request can fix. */
const PERMANENT = new Set([
  'ValidationException', // "Item size has exceeded the maximum allowed size", bad expressions, empty keys
  'SerializationException', // a request body DynamoDB cannot read
  'ItemCollectionSizeLimitExceededException', // a partition key's collection is over 10 GB
  'DuplicateItemException',
]);

export function classifyDynamoError(err: unknown): DynamoErrorKind {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException') return 'conflict';
  if (name && PERMANENT.has(name)) return 'permanent';
  return 'transient';
}
