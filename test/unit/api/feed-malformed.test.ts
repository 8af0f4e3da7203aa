import { PodFeed, type WatchEvent } from '../../../api/feed';
import { makeEvent, type PodChanged } from '../../../shared/events';
import { silentLogger } from '../../../shared/runtime/logger';
import { aRecordedPod } from '../../helpers/factories';

const change = (name: string, resourceVersion: string) => {
  const pod = aRecordedPod({ name, uid: `uid-${name}` });
  pod.metadata.resourceVersion = resourceVersion;
  return makeEvent<PodChanged>('PodChanged', `default/${name}`, { change: 'ADDED', pod }, { source: 'test', time: new Date('2026-01-01T00:00:00Z') });
};

describe('pod feed and malformed change records', () => {
  it.each(['not-a-number', '', '1e3', '-5', ' 7'])('skips a change whose resourceVersion is %j and keeps following', (rv) => {
    const feed = new PodFeed(silentLogger);
    const seen: WatchEvent[] = [];
    feed.subscribe((e) => seen.push(e));
    expect(() => feed.apply(change('bad', rv))).not.toThrow();
    feed.apply(change('good', '42'));
    expect(seen.map((e) => [e.object.metadata.name, e.rv])).toEqual([['good', 42n]]);
    expect(feed.resourceVersion()).toBe('42');
  });
});
