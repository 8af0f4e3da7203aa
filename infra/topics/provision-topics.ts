/**
 * Custom resource handler (CDK Provider framework) that creates podflow's
 * topics with kafkajs' admin client over MSK IAM auth. It works the same on
 * MSK Serverless and provisioned clusters (AWS::MSK::Topic covers provisioned
 * clusters only), each with the retention its spec chooses. Deleting the resource never deletes a topic: the log is the
 * truth, and a stack update must not be able to drop it.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { z } from 'zod';
import { makeKafka } from '../../shared/adapters/kafka/client';
import { mskIamSasl } from '../../shared/adapters/kafka/msk-iam';
import { ensureTopics } from '../../shared/adapters/kafka/topics';
import { TOPIC_SPECS } from '../../shared/events/topics';

const properties = z.object({
  Brokers: z.string().min(1),
  Topics: z.array(z.object({ name: z.string().min(1), partitions: z.coerce.number().int().min(1) })),
});

export interface ProviderResponse {
  PhysicalResourceId: string;
  Data?: Record<string, string>;
}

const PHYSICAL_ID = 'podflow-topics';

export async function onEvent(event: CloudFormationCustomResourceEvent): Promise<ProviderResponse> {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const props = properties.parse(event.ResourceProperties);
  const kafka = makeKafka({
    brokers: props.Brokers.split(',').map((b) => b.trim()).filter(Boolean),
    clientId: PHYSICAL_ID,
    ssl: true,
    sasl: mskIamSasl(process.env.AWS_REGION ?? 'us-east-1'),
  });
  const names = props.Topics.map((t) => t.name);
  const specs = props.Topics.map((t) => {
    const spec = TOPIC_SPECS.find((s) => s.name === t.name);
    if (!spec) throw new Error(`unknown topic ${t.name}`);
    return { ...spec, partitions: t.partitions };
  });
  const result = await ensureTopics(kafka, specs);
  console.log(JSON.stringify(result));
  return { PhysicalResourceId: PHYSICAL_ID, Data: { Topics: names.join(',') } };
}
