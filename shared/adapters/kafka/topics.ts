/**
 * Creates podflow's topics with the admin API, each with the partitions and
 * the retention its spec chooses (shared/events/topics.ts), and grows topics
 * whose spec asks for more partitions. Idempotent: the local launcher, the
 * tests and the cloud's topic provisioner run it on every start. It never
 * deletes or shrinks a topic: the log is the truth.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { TopicSpec } from '../../events/topics';
import { physicalTopic } from './client';
import { planTopics } from './topic-plan';

export interface EnsuredTopics {
  created: string[];
  grown: string[];
}

export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<EnsuredTopics> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await ensureWith(
      admin,
      specs.map((t) => ({ ...t, name: physicalTopic(kafka, t.name) })),
    );
  } finally {
    await admin.disconnect();
  }
}

async function ensureWith(admin: Admin, wanted: (Omit<TopicSpec, 'name'> & { name: string })[]): Promise<EnsuredTopics> {
  const listed = new Set(await admin.listTopics());
  const present = wanted.filter((t) => listed.has(t.name)).map((t) => t.name);
  const metadata = present.length > 0 ? await admin.fetchTopicMetadata({ topics: present }) : { topics: [] };
  const plan = planTopics(wanted, new Map(metadata.topics.map((t) => [t.name, t.partitions.length])));
  if (plan.conflicts.length > 0) throw new Error(plan.conflicts.join('; '));
  if (plan.create.length > 0) {
    await admin.createTopics({
      // kafkajs' own wait retries only LEADER_NOT_AVAILABLE, but a KRaft broker may answer
      // UNKNOWN_TOPIC_OR_PARTITION until the new topic reaches its metadata cache:
      // leadersKnown below waits for both.
      waitForLeaders: false,
      topics: plan.create.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: -1, // the broker's default: 1 locally, the cluster's setting on MSK
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  if (plan.grow.length > 0) await admin.createPartitions({ topicPartitions: plan.grow.map((t) => ({ topic: t.name, count: t.partitions })) });
  await leadersKnown(admin, [...plan.create, ...plan.grow].map((t) => t.name));
  return { created: plan.create.map((t) => t.name), grown: plan.grow.map((t) => t.name) };
}

/** Waits (bounded) until every partition of new topics answers offset requests, so the first consumers do not log leader errors. */
async function leadersKnown(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + 15000;
  for (const topic of topics) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

/** Deletes every podflow topic under a prefix (test clean-up; refuses the unprefixed production names). */
export async function deletePrefixedTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<void> {
  const names = specs.map((t) => physicalTopic(kafka, t.name));
  if (names.some((n, i) => n === specs[i].name)) throw new Error('refusing to delete topics without a prefix');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const listed = new Set(await admin.listTopics());
    const present = names.filter((n) => listed.has(n));
    if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 30000 });
  } finally {
    await admin.disconnect();
  }
}
