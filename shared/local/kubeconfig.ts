/** Writes a kubeconfig that podctl, kubectl and the Kubernetes client libraries read. */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export function writeKubeconfig(file: string, server: string, token: string): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'podflow', cluster: { server } }],
    users: [{ name: 'podflow-admin', user: { token } }],
    contexts: [{ name: 'podflow', context: { cluster: 'podflow', user: 'podflow-admin', namespace: 'default' } }],
    'current-context': 'podflow',
    preferences: {},
  };
  writeFileSync(file, stringify(config), { mode: 0o600 });
}
