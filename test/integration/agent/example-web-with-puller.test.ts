/** examples/web-with-puller.yaml on real Docker: the page the puller writes is served on the pod IP. */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parse } from 'yaml';
import { TOPICS } from '../../../shared/events';
import { startTestParts, type TestParts } from '../../helpers/parts';
import { podManifest } from '../../../shared/pod/schema';
import { aPod, assign, isStatusOf, isStoppedOf, TopicRecorder, unassign } from '../../helpers/agent-kafka';
import { agentSettings, cleanupNode, nodeVolumes, startDockerAgent, testNodeName, type RunningAgent } from '../../helpers/agent-docker';

function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('example: web-with-puller', () => {
  let broker: TestParts;
  let recorder: TopicRecorder;
  let running: RunningAgent;
  const node = testNodeName('example');

  beforeAll(async () => {
    broker = await startTestParts({ tables: false });
    const kafka = broker.kafka();
    recorder = await TopicRecorder.start(kafka, [TOPICS.podStatus]);
    running = await startDockerAgent(kafka, agentSettings(node));
  });

  afterAll(async () => {
    await running?.stop();
    await cleanupNode(node);
    await recorder?.stop();
    await broker?.stop();
  });

  it('serves the page written into the shared emptyDir on port 80 of the pod IP, and cleans up on delete', async () => {
    const manifest = podManifest.parse(parse(readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'web-with-puller.yaml'), 'utf8')));
    const pod = aPod({ name: manifest.metadata.name!, namespace: 'default', spec: manifest.spec });
    await assign(running.publisher, node, pod);
    const status = await recorder.waitFor(isStatusOf(pod.metadata.uid, (e) => e.data.status.phase === 'Running'), 20_000, 'Running');
    const ip = status.data.status.podIP!;
    let page = { status: 0, body: '' };
    for (let i = 0; i < 20 && page.status !== 200; i++) {
      page = await fetchText(`http://${ip}/`).catch(() => page);
      if (page.status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(page.status).toBe(200);
    expect(page.body).toContain('Hello from podflow');

    await unassign(running.publisher, node, pod, 5);
    await recorder.waitFor(isStoppedOf(pod.metadata.uid), 15_000, 'PodStopped');
    expect(await nodeVolumes(node, pod.metadata.uid)).toEqual([]);
  });
});
