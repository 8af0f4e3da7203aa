/**
 * Custom resource handler (CDK Provider framework) that creates podflow's
 * topics with kafkajs' admin client over MSK IAM auth. It works the same on
 * MSK Serverless and provisioned clusters (AWS::MSK::Topic covers provisioned
 * clusters only). Deleting the resource never deletes a topic: the log is the
 * truth, and a stack update must not be able to drop it.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { z } from 'zod';
import { makeKafka } from '../../shared/adapters/kafka/client';
import { mskIamSasl } from '../../shared/adapters/kafka/msk-iam';
import { planTopics } from './plan';

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
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = props.Topics.map((t) => t.name);
    const listed = new Set(await admin.listTopics());
    const present = names.filter((n) => listed.has(n));
    const metadata = present.length > 0 ? await admin.fetchTopicMetadata({ topics: present }) : { topics: [] };
    const existing = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
    const plan = planTopics(props.Topics, existing);
    if (plan.conflicts.length > 0) throw new Error(plan.conflicts.join('; '));
    if (plan.create.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: plan.create.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: -1 })),
      });
    }
    if (plan.grow.length > 0) {
      await admin.createPartitions({ topicPartitions: plan.grow.map((t) => ({ topic: t.name, count: t.partitions })) });
    }
    console.log(JSON.stringify({ created: plan.create.map((t) => t.name), grown: plan.grow.map((t) => t.name) }));
    return { PhysicalResourceId: PHYSICAL_ID, Data: { Topics: names.join(',') } };
  } finally {
    await admin.disconnect();
  }
}
