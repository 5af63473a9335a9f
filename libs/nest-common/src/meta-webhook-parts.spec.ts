import { createHash } from 'node:crypto';
import { MetaJsonError } from './meta-json';
import { metaWebhookDeliveries, splitMetaWebhook } from './meta-webhook-parts';

const SHA = 'a'.repeat(64);
const AT = '2026-01-01T00:00:00.000Z';

describe('splitMetaWebhook', () => {
  it('yields one part per entry[i].changes[j] with object, entry id and time', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        { id: '111', time: 1751247548, changes: [{ field: 'messages', value: { a: 1 } }, { field: 'x' }] },
        { id: '222', changes: [{ field: 'messages', value: { b: 2 } }] },
      ],
    };
    const deliveries = splitMetaWebhook(body, SHA, AT);
    expect(deliveries.map((d) => d.messageId)).toEqual([`${SHA}:0:0`, `${SHA}:0:1`, `${SHA}:1:0`]);
    expect(deliveries[0].part).toEqual({
      receivedAt: AT,
      bodySha256: SHA,
      kind: 'change',
      entryIndex: 0,
      changeIndex: 0,
      object: 'whatsapp_business_account',
      entryId: '111',
      entryTime: 1751247548,
      content: { field: 'messages', value: { a: 1 } },
    });
    expect(deliveries[2].part).not.toHaveProperty('entryTime');
    expect(deliveries[2].part).toMatchObject({ entryId: '222', entryIndex: 1, changeIndex: 0 });
  });

  it('keeps malformed entries as whole parts next to their valid siblings', () => {
    const body = {
      object: 'page',
      entry: [null, { id: '1', changes: 7 }, 'x', { id: '2', changes: [null] }],
    };
    const deliveries = splitMetaWebhook(body, SHA, AT);
    expect(deliveries.map((d) => [d.messageId, d.part.kind, d.part.content])).toEqual([
      [`${SHA}:0`, 'entry', null],
      [`${SHA}:1`, 'entry', { id: '1', changes: 7 }],
      [`${SHA}:2`, 'entry', 'x'],
      [`${SHA}:3:0`, 'change', null],
    ]);
  });

  it('skips entries without changes (nothing we read) and an empty entry list', () => {
    expect(splitMetaWebhook({ object: 'page', entry: [{ id: '1', messaging: [] }] }, SHA, AT)).toEqual([]);
    expect(splitMetaWebhook({ object: 'page', entry: [] }, SHA, AT)).toEqual([]);
  });

  it.each([[[1, 2]], ['text'], [null], [{ object: 'page' }], [{ object: 'page', entry: {} }]])(
    'keeps a body that cannot be split (%p) as one part',
    (body) => {
      expect(splitMetaWebhook(body, SHA, AT)).toEqual([
        { messageId: SHA, part: { receivedAt: AT, bodySha256: SHA, kind: 'body', content: body } },
      ]);
    },
  );

  it('drops an object or entry id that is not a string rather than guessing', () => {
    const [delivery] = splitMetaWebhook(
      { object: 5, entry: [{ id: {}, time: 'x', changes: [{}] }] },
      SHA,
      AT,
    );
    expect(delivery.part).toEqual({
      receivedAt: AT,
      bodySha256: SHA,
      kind: 'change',
      entryIndex: 0,
      changeIndex: 0,
      content: {},
    });
  });
});

describe('metaWebhookDeliveries', () => {
  it('parses the raw bytes losslessly and ids the parts by the sha256 of those bytes', () => {
    const raw = Buffer.from(
      '{"object":"page","entry":[{"id":153125381133,"changes":[{"value":{"ad_id":120215362426053955}}]}]}',
    );
    const sha = createHash('sha256').update(raw).digest('hex');
    const [delivery] = metaWebhookDeliveries(raw, AT);
    expect(delivery.messageId).toBe(`${sha}:0:0`);
    expect(delivery.part).toMatchObject({
      entryId: '153125381133',
      content: { value: { ad_id: '120215362426053955' } },
    });
  });

  it('throws MetaJsonError for bytes that are not JSON', () => {
    expect(() => metaWebhookDeliveries(Buffer.from('nope'))).toThrow(MetaJsonError);
  });
});
