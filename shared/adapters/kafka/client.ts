/**
 * Builds kafkajs clients for the embedded Apache Kafka broker or any Kafka
 * (MSK included). A client may carry a topic prefix: every podflow topic and
 * consumer group it names is then `${prefix}${name}`, so several clusters (or
 * test runs) share one broker without reading each other's records. Code above
 * this adapter only ever sees the logical names of `shared/events/topics.ts`.
 */
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '../../ports';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: KafkaConfig['sasl'];
  /** Prepended to every topic and consumer group name ('' in production). */
  topicPrefix?: string;
}

const prefixes = new WeakMap<Kafka, string>();

export function makeKafka(settings: KafkaSettings, logger?: Logger): Kafka {
  const kafka = new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    sasl: settings.sasl,
    connectionTimeout: 3000,
    retry: { initialRetryTime: 100, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (!logger) return;
      const { message, ...rest } = entry.log;
      const line = { kafka: entry.namespace, ...rest };
      if (entry.level <= logLevel.ERROR) logger.error(line, message);
      else logger.warn(line, message);
    },
  });
  prefixes.set(kafka, settings.topicPrefix ?? '');
  return kafka;
}

/** The prefix this client was built with. */
export function topicPrefixOf(kafka: Kafka): string {
  return prefixes.get(kafka) ?? '';
}

/** The broker's name of a logical topic. */
export function physicalTopic(kafka: Kafka, logical: string): string {
  return topicPrefixOf(kafka) + logical;
}

/** The logical name of a topic the broker named (records carry physical names). */
export function logicalTopic(kafka: Kafka, physical: string): string {
  const prefix = topicPrefixOf(kafka);
  return prefix && physical.startsWith(prefix) ? physical.slice(prefix.length) : physical;
}

/** The broker's name of a consumer group. */
export function physicalGroup(kafka: Kafka, groupId: string): string {
  return topicPrefixOf(kafka) + groupId;
}
