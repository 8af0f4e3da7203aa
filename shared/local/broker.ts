/**
 * Starts the development Kafka broker (librdkafka's mock cluster, through the
 * project's launcher) with every podflow topic, or uses KAFKA_BROKERS when set.
 * The launcher watches its stdin, so the broker dies with whoever started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TOPIC_SPECS } from '../events/topics';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', ...(__dirname.includes(`${path.sep}dist${path.sep}`) ? ['..'] : []));
export const MOCK_BROKER_BINARY = path.join(REPO_ROOT, '.podflow', 'bin', 'podflow-kafka-mock');

export interface LocalBroker {
  brokers: string[];
  process: ChildProcess | null;
  stop(): Promise<void>;
}

export async function startLocalBroker(opts: { extraTopics?: string[]; brokerCount?: number } = {}): Promise<LocalBroker> {
  if (!existsSync(MOCK_BROKER_BINARY)) {
    throw new Error(`${MOCK_BROKER_BINARY} is missing: run 'bash scripts/setup.sh' (npm start and npm test do)`);
  }
  const topics = [...TOPIC_SPECS.map((t) => `${t.name}:${t.partitions}`), ...(opts.extraTopics ?? [])];
  const child = spawn(MOCK_BROKER_BINARY, ['--watch-stdin', '--brokers', String(opts.brokerCount ?? 3), ...topics], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const brokers = await new Promise<string[]>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('the mock broker printed no bootstrap list within 10 s')), 10000);
    child.once('exit', (code) => reject(new Error(`the mock broker exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /BOOTSTRAP (\S+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].split(','));
      }
    });
  });
  return {
    brokers,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
