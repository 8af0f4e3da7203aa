import { ConditionalCheckFailedException, DynamoDBServiceException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { mapDynamoError } from '../../../shared/adapters/dynamodb/client';
import { classifyDynamoError } from '../../../shared/adapters/dynamodb/errors';
import { ConflictError, isRetryable } from '../../../shared/errors';

const meta = { $metadata: {} };
const serviceError = (name: string, message: string, fault: 'client' | 'server' = 'client') => new DynamoDBServiceException({ name, message, $fault: fault, ...meta });

describe('DynamoDB error classification', () => {
  it.each([
    ['item over 400 KB', serviceError('ValidationException', 'Item size has exceeded the maximum allowed size'), 'permanent', false],
    ['malformed request body', serviceError('SerializationException', 'Start of structure or map found where not expected'), 'permanent', false],
    ['item collection over 10 GB', serviceError('ItemCollectionSizeLimitExceededException', 'Item collection size limit exceeded'), 'permanent', false],
    ['throttled', new ProvisionedThroughputExceededException({ message: 'slow down', ...meta }), 'transient', true],
    ['throttled (on-demand)', serviceError('ThrottlingException', 'Rate exceeded'), 'transient', true],
    ['server fault', serviceError('InternalServerError', 'oops', 'server'), 'transient', true],
    ['network', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' }), 'transient', true],
    ['lost condition', new ConditionalCheckFailedException({ message: 'The conditional request failed', ...meta }), 'conflict', true],
  ])('%s is %s (retryable: %s)', (_what, err, kind, retryable) => {
    expect(classifyDynamoError(err)).toBe(kind);
    let mapped: unknown;
    try {
      mapDynamoError(err, 'writing pod default/big');
    } catch (e) {
      mapped = e;
    }
    expect(isRetryable(mapped)).toBe(retryable);
    if (kind === 'conflict') expect(mapped).toBeInstanceOf(ConflictError);
    if (kind === 'permanent') expect((mapped as Error).message).toMatch(/^writing pod default\/big: \w+Exception: /);
  });
});
