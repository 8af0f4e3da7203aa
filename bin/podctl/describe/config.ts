/**
 * `describe configmap` and `describe secret`, as kubectl's describers: a
 * ConfigMap shows its values, a Secret only the size of each value, never the
 * value itself.
 */
import type { CoreEvent } from '../../../shared/display/kube-types';
import type { PrintedConfigObject } from '../../../shared/display/config-row';
import { describeEvents } from './events';
import { LEVEL_0, PrefixWriter, printAnnotationsMultiline, printLabelsMultiline } from './writer';

export type DescribedConfigObject = PrintedConfigObject & { metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } };

function header(w: PrefixWriter, o: DescribedConfigObject): void {
  w.write(LEVEL_0, `Name:\t${o.metadata.name}\n`);
  w.write(LEVEL_0, `Namespace:\t${o.metadata.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', o.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', o.metadata.annotations);
}

export function describeConfigMap(o: DescribedConfigObject, events: CoreEvent[] | undefined, now: Date): string {
  const w = new PrefixWriter();
  header(w, o);
  w.write(LEVEL_0, '\nData\n====\n');
  for (const key of Object.keys(o.data ?? {}).sort()) w.write(LEVEL_0, `${key}:\n----\n${o.data?.[key] ?? ''}\n\n`);
  w.write(LEVEL_0, '\nBinaryData\n====\n');
  for (const key of Object.keys(o.binaryData ?? {}).sort()) w.write(LEVEL_0, `${key}: ${Buffer.from(o.binaryData?.[key] ?? '', 'base64').length} bytes\n`);
  if (events) describeEvents(events, w, now);
  return w.toString();
}

export function describeSecret(o: DescribedConfigObject, events: CoreEvent[] | undefined, now: Date): string {
  const w = new PrefixWriter();
  header(w, o);
  w.write(LEVEL_0, `\nType:\t${o.type ?? 'Opaque'}\n`);
  w.write(LEVEL_0, '\nData\n====\n');
  for (const key of Object.keys(o.data ?? {}).sort()) w.write(LEVEL_0, `${key}:\t${Buffer.from(o.data?.[key] ?? '', 'base64').length} bytes\n`);
  if (events) describeEvents(events, w, now);
  return w.toString();
}
