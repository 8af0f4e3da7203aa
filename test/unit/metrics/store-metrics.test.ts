import { conflictTables, tablesOfRequest } from '../../../shared/adapters/dynamodb/metrics';

describe('the tables a DynamoDB request touches and the ones whose condition failed', () => {
  const transaction = {
    TransactItems: [{ Update: { TableName: 't-Nodes' } }, { Put: { TableName: 't-Pods' } }],
  };

  it.each([
    ['a single-item request', { TableName: 't-Pods' }, ['t-Pods']],
    ['a batch', { RequestItems: { 't-Pods': {}, 't-PodHistory': {} } }, ['t-Pods', 't-PodHistory']],
    ['a transaction', transaction, ['t-Nodes', 't-Pods']],
    ['a request without a table', {}, []],
  ])('%s', (_what, input, tables) => {
    expect(tablesOfRequest(input)).toEqual(tables);
  });

  it.each([
    ['a failed condition on one item', { TableName: 't-Pods' }, { name: 'ConditionalCheckFailedException' }, ['t-Pods']],
    ['a transaction cancelled by the pod item', transaction, { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] }, ['t-Pods']],
    ['a transaction cancelled by both items', transaction, { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'ConditionalCheckFailed' }] }, ['t-Nodes', 't-Pods']],
    ['a transaction conflict (no condition failed)', transaction, { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }] }, []],
    ['a throttle', { TableName: 't-Pods' }, { name: 'ProvisionedThroughputExceededException' }, []],
  ])('%s', (_what, input, err, tables) => {
    expect(conflictTables(input, err)).toEqual(tables);
  });
});
