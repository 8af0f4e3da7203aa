/**
 * How a process authenticates to Kafka as its principal: MSK IAM in the cloud
 * (the process' IAM role is the principal), SCRAM-SHA-512 on the local broker
 * (the credential file of the principal), or nothing on a broker without auth.
 * The node-record signing keys sit beside the SCRAM credentials.
 */
import type { SASLOptions } from 'kafkajs';
import { readCredential } from '../../auth/credentials';
import { dirNodeKeys, type NodeKeys } from '../../auth/node-keys';
import { mskIamSasl } from './msk-iam';

export interface KafkaAuthConfig {
  KAFKA_AUTH: '' | 'iam' | 'scram';
  KAFKA_CREDENTIALS_DIR?: string;
  AWS_REGION: string;
}

export function kafkaSasl(config: KafkaAuthConfig, principal: string): SASLOptions | undefined {
  if (config.KAFKA_AUTH === 'iam') return mskIamSasl(config.AWS_REGION);
  if (config.KAFKA_AUTH !== 'scram') return undefined;
  const { username, password } = readCredential(credentialsDir(config), principal);
  return { mechanism: 'scram-sha-512', username, password };
}

/** The node keys the control plane checks heartbeats and statuses with; null when nodes are not authenticated. */
export function nodeKeysFor(config: KafkaAuthConfig): NodeKeys | null {
  return config.KAFKA_AUTH === 'scram' ? dirNodeKeys(credentialsDir(config)) : null;
}

export function credentialsDir(config: KafkaAuthConfig): string {
  if (!config.KAFKA_CREDENTIALS_DIR) throw new Error('KAFKA_AUTH=scram needs KAFKA_CREDENTIALS_DIR (the directory of the cluster\'s Kafka credentials)');
  return config.KAFKA_CREDENTIALS_DIR;
}
