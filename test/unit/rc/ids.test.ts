import { makeEvent, type PodCreateRequested } from '../../../shared/events';
import { derivedUid, generatedName, replacementUid, slotUid } from '../../../shared/rc/ids';
import { resolveName } from '../../../functions/pod-controller/handler';

describe('deterministic ids', () => {
  it.each([
    ['an rc slot', slotUid('rc-1', 0), slotUid('rc-1', 0)],
    ['a replacement', replacementUid('old-uid'), replacementUid('old-uid')],
  ])('derives the same uuid-shaped id for %s every time', (_what, a, b) => {
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it.each([
    ['different slots', slotUid('rc-1', 0), slotUid('rc-1', 1)],
    ['different rcs', slotUid('rc-1', 0), slotUid('rc-2', 0)],
    ['a slot and a replacement', derivedUid('rc/x/slot/0'), replacementUid('x')],
  ])('derives distinct ids for %s', (_what, a, b) => expect(a).not.toBe(b));

  it.each(['req-1', slotUid('rc-1', 7), replacementUid('u')])('predicts the name the pod-controller generates for request %s', (id) => {
    const cmd = makeEvent<PodCreateRequested>('PodCreateRequested', 'default/web-', { pod: { metadata: { generateName: 'web-' }, spec: { containers: [{ name: 'a', image: 'x' }] } } }, { source: 't', time: new Date(), id });
    expect(generatedName('web-', id)).toBe(resolveName(cmd));
  });
});
