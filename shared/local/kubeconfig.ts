/**
 * Writes a kubeconfig that podctl, kubectl and the Kubernetes client libraries
 * read. The current context uses HTTPS (kubectl sends tokens only over TLS);
 * `podflow-http` names the plain HTTP port for clients that want it.
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export function writeKubeconfig(file: string, o: { httpsServer?: string; caPem?: string; httpServer: string; token: string }): void {
  const clusters: object[] = [{ name: 'podflow-http', cluster: { server: o.httpServer } }];
  const contexts: object[] = [{ name: 'podflow-http', context: { cluster: 'podflow-http', user: 'podflow-admin', namespace: 'default' } }];
  if (o.httpsServer && o.caPem) {
    clusters.unshift({ name: 'podflow', cluster: { server: o.httpsServer, 'certificate-authority-data': Buffer.from(o.caPem).toString('base64') } });
    contexts.unshift({ name: 'podflow', context: { cluster: 'podflow', user: 'podflow-admin', namespace: 'default' } });
  }
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters,
    users: [{ name: 'podflow-admin', user: { token: o.token } }],
    contexts,
    'current-context': o.httpsServer ? 'podflow' : 'podflow-http',
    preferences: {},
  };
  writeFileSync(file, stringify(config), { mode: 0o600 });
}
