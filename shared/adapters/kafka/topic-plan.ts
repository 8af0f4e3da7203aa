/**
 * What the topic provisioner must change to make the cluster match
 * TOPIC_SPECS: topics to create, topics whose partition count must grow.
 * Kafka can not shrink a topic, and a shrink would silently remap keys
 * (node-assignments is partitioned by a hash of the node name), so a topic
 * with more partitions than its spec is a conflict that fails the deployment.
 */
export interface TopicWanted {
  name: string;
  partitions: number;
}

/** The wanted topics themselves (with whatever else they carry) sorted into what to do. */
export interface TopicPlan<T extends TopicWanted = TopicWanted> {
  create: T[];
  grow: T[];
  conflicts: string[];
}

export function planTopics<T extends TopicWanted>(wanted: readonly T[], existing: ReadonlyMap<string, number>): TopicPlan<T> {
  const plan: TopicPlan<T> = { create: [], grow: [], conflicts: [] };
  for (const topic of wanted) {
    const current = existing.get(topic.name);
    if (current === undefined) plan.create.push(topic);
    else if (current < topic.partitions) plan.grow.push(topic);
    else if (current > topic.partitions) {
      plan.conflicts.push(`${topic.name} has ${current} partitions, the spec says ${topic.partitions}; Kafka can not shrink a topic`);
    }
  }
  return plan;
}
