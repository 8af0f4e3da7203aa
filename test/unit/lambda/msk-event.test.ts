import { batchItemIdentifier, decodeMskEvent, mskEventSchema, toBatchItemFailures } from '../../../shared/adapters/lambda';
import { fixture } from './fixtures';

describe('MSK event decoding', () => {
  it('decodes base64 keys and values of a recorded MSK event into the runner records', () => {
    const records = decodeMskEvent(mskEventSchema.parse(fixture('pod-events-batch.json')));
    expect(records).toHaveLength(4);
    expect(records[0]).toEqual({ topic: 'pod-events', partition: 2, offset: '877', key: 'kube-system/dns', value: expect.any(String), headers: { 'event-type': 'PodDeleteRequested' } });
    expect(JSON.parse(records[0].value!)).toMatchObject({ type: 'PodDeleteRequested', data: { namespace: 'kube-system', name: 'dns' } });
  });

  it('orders records by topic, partition and offset whatever order the partitions arrive in', () => {
    const records = decodeMskEvent(mskEventSchema.parse(fixture('pod-events-batch.json')));
    expect(records.map((r) => `${r.partition}:${r.offset}`)).toEqual(['2:877', '5:1041', '5:1042', '5:1043']);
  });

  it('keeps a record without key or value as nulls, so the runner can dead-letter it', () => {
    const records = decodeMskEvent(mskEventSchema.parse(fixture('pod-events-poison.json')));
    expect(records.at(-1)).toEqual({ topic: 'pod-events', partition: 3, offset: '213', key: null, value: null });
  });

  it('refuses an event that is not from a Kafka event source', () => {
    expect(mskEventSchema.safeParse(fixture('scheduled-event.json')).success).toBe(false);
    expect(mskEventSchema.safeParse({ Records: [{ eventSource: 'aws:sqs' }] }).success).toBe(false);
  });

  it('names a failed record topic-partition-offset, once, as Kafka event sources expect', () => {
    expect(batchItemIdentifier({ topic: 'pod-events', partition: 5, offset: '1042' })).toBe('pod-events-5-1042');
    const failure = { topic: 'pod-status', partition: 0, offset: '9', error: new Error('x') };
    expect(toBatchItemFailures([failure, failure])).toEqual({ batchItemFailures: [{ itemIdentifier: 'pod-status-0-9' }] });
    expect(toBatchItemFailures([])).toEqual({ batchItemFailures: [] });
  });
});
