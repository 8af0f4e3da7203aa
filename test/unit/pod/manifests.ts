/** Valid pod manifests for the pod tests, built fresh each call so a test may mutate its copy. */
export type Json = Record<string, any>;

export function aManifest(): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web', 'example.com/tier': 'front' }, annotations: { 'example.com/note': 'any text at all' } },
    spec: {
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [
        {
          name: 'app',
          image: 'podflow/web:1',
          env: [{ name: 'MY_ENV.NAME', value: 'x' }],
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
        { name: 'sidecar', image: 'podflow/base:1', ports: [{ name: 'metrics', containerPort: 9090 }] },
      ],
    },
  };
}

/** A manifest with `change` applied to a fresh copy. */
export function manifestWith(change: (m: Json) => void): Json {
  const m = aManifest();
  change(m);
  return m;
}
