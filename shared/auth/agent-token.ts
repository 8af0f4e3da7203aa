/**
 * Each node's agent accepts its own token, derived from the cluster's agent
 * token and the node's name (HMAC-SHA256), and the API presents to each agent
 * the token of that node only. An agent, or a listener an agent's `endpoint`
 * points at, so learns nothing that opens another node's agent: the cluster
 * token stays with the API and the launcher.
 */
import { createHmac } from 'node:crypto';

export function nodeAgentToken(clusterAgentToken: string, nodeName: string): string {
  return createHmac('sha256', clusterAgentToken).update(`podflow-agent-token\u0000${nodeName}`).digest('hex');
}
