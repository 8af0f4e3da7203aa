/** DynamoDB client construction and the conditional-write error mapping every adapter shares. */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { ConflictError, DependencyError } from '../../errors';

export function makeDynamoClient(opts: { endpoint?: string; region: string }): DynamoDBClient {
  const config: DynamoDBClientConfig = { region: opts.region, maxAttempts: 5 };
  if (opts.endpoint) {
    // dynalite and DynamoDB Local accept any credentials.
    config.endpoint = opts.endpoint;
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  return new DynamoDBClient(config);
}

export function isConditionFailure(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
}

/** Turns SDK errors into domain errors so they never leak past the adapter. */
export function mapDynamoError(err: unknown, what: string): never {
  if (isConditionFailure(err)) throw new ConflictError(`${what}: condition failed`, { cause: err });
  throw new DependencyError(`${what}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}
