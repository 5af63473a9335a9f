import { DomainError } from '@crm/contracts';
import {
  mapInbound,
  mapStatus,
  metaTimeToIso,
  readChange,
  readLeadgen,
  readMessagesValue,
  readTemplateCategory,
  readTemplateQuality,
  readTemplateStatus,
  unixToIso,
} from '../webhook-mapping';

/** The VALIDATION message `read` throws (fails the test on success or on any other error, a TypeError included). */
function validationOf(read: () => unknown): string {
  let caught: unknown;
  try {
    read();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DomainError);
  expect((caught as DomainError).code).toBe('VALIDATION');
  return (caught as DomainError).message;
}

describe('webhook mapping', () => {
  const names = new Map([['5215512345678', 'Sheena Nelson']]);

  it('maps a CTWA text message: sender in E.164, unix-seconds timestamp, referral', () => {
    const mapped = mapInbound(
      {
        from: '5215512345678',
        id: 'wamid.ABC',
        timestamp: '1750275992',
        type: 'text',
        text: { body: 'Quiero info' },
        context: { id: 'wamid.PREV' },
        referral: {
          source_id: '120226305854810726',
          source_type: 'ad',
          source_url: 'https://fb.me/x',
          ctwa_clid: 'Aff-1',
          headline: 'H',
          body: 'B',
        },
      },
      names,
      'messages[0]',
    );
    expect(mapped).toEqual({
      wamid: 'wamid.ABC',
      sender: '5215512345678',
      from: '+5215512345678',
      adId: '120226305854810726',
      fields: {
        wamid: 'wamid.ABC',
        from: '+5215512345678',
        timestamp: '2025-06-18T19:46:32.000Z',
        contactName: 'Sheena Nelson',
        text: 'Quiero info',
        contextWamid: 'wamid.PREV',
        referral: {
          sourceId: '120226305854810726',
          sourceType: 'ad',
          sourceUrl: 'https://fb.me/x',
          ctwaClid: 'Aff-1',
          headline: 'H',
          body: 'B',
        },
      },
    });
  });

  it('keeps a tapped quick-reply button: template `button` and interactive `button_reply`', () => {
    const base = { from: '5215512345678', id: 'wamid.B', timestamp: '1750275992' };
    const button = mapInbound(
      {
        ...base,
        type: 'button',
        button: { payload: 'STOP_PROMOS', text: 'Stop promotions' },
        context: { id: 'wamid.T' },
      },
      names,
      'messages[0]',
    );
    expect(button.fields).toMatchObject({
      text: 'Stop promotions',
      contextWamid: 'wamid.T',
      buttonReply: { kind: 'button', payload: 'STOP_PROMOS', text: 'Stop promotions' },
    });
    const interactive = mapInbound(
      {
        ...base,
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'baja', title: 'Darme de baja' } },
      },
      names,
      'messages[0]',
    );
    expect(interactive.fields).toMatchObject({
      text: 'Darme de baja',
      buttonReply: { kind: 'interactive', payload: 'baja', text: 'Darme de baja' },
    });
    const typed = mapInbound({ ...base, type: 'text', text: { body: 'BAJA' } }, names, 'messages[0]');
    expect(typed.fields.buttonReply).toBeUndefined();
  });

  it('leaves `from` out for a sender that is not a phone number (the message is skipped, not refused)', () => {
    const mapped = mapInbound({ from: 'BSUID.abc', id: 'wamid.X', timestamp: '1750275992' }, names, 'm');
    expect(mapped.from).toBeUndefined();
    expect(mapped.fields).not.toHaveProperty('from');
  });

  it('reads a messages value, collecting what is malformed and keeping the rest', () => {
    const value = readMessagesValue(
      {
        metadata: { phone_number_id: '106540352242922' },
        contacts: 'abc',
        messages: [{ id: 'wamid.1' }],
        statuses: {},
      },
      'value',
    );
    expect(value.phoneNumberId).toBe('106540352242922');
    expect(value.messages).toHaveLength(1);
    expect(value.statuses).toEqual([]);
    expect(value.problems).toEqual([
      'value.contacts: expected an array, got a string',
      'value.statuses: expected an array, got an object',
    ]);
    const contacts = readMessagesValue({ contacts: [null, { wa_id: '1', profile: { name: 'Ana' } }] }, 'v');
    expect(contacts.contactNames.get('1')).toBe('Ana');
    expect(contacts.problems).toEqual(['v.contacts[0]: expected an object, got null']);
  });

  it.each([
    [null, 'value: expected an object, got null'],
    [7, 'value: expected an object, got a number'],
  ])('refuses a messages value %p', (input, message) => {
    expect(validationOf(() => readMessagesValue(input, 'value'))).toBe(message);
  });

  it('maps statuses: errors, timestamps, untracked statuses ignored', () => {
    expect(
      mapStatus(
        {
          id: 'wamid.S',
          status: 'failed',
          timestamp: '1767225600',
          recipient_id: '5215512340000',
          errors: [{ code: 131026, title: 'Message undeliverable', message: 'x' }],
        },
        's',
      ),
    ).toEqual({
      wamid: 'wamid.S',
      status: 'failed',
      timestamp: '2026-01-01T00:00:00.000Z',
      recipientId: '5215512340000',
      errors: [{ code: 131026, title: 'Message undeliverable', message: 'x' }],
    });
    expect(mapStatus({ id: 'wamid.S', status: 'deleted' }, 's')).toBeUndefined();
    const now = new Date('2026-02-02T00:00:00.000Z');
    expect(mapStatus({ id: 'wamid.S', status: 'read' }, 's', () => now)?.timestamp).toBe(now.toISOString());
  });

  it.each([
    [{ id: 'w', status: 'sent', errors: [null] }, 'statuses[0].errors[0]: expected an object, got null'],
    [{ id: 'w', status: 'sent', errors: 'x' }, 'statuses[0].errors: expected an array, got a string'],
    [
      { id: 'w', status: 'sent', errors: [{ code: {} }] },
      'statuses[0].errors[0].code: expected an error code',
    ],
    [
      { id: 'w', status: 'sent', timestamp: '99999999999999999' },
      'statuses[0].timestamp: expected unix seconds',
    ],
    [{ id: 'w', status: 'sent', timestamp: -5 }, 'statuses[0].timestamp: expected unix seconds'],
    [{ status: 'sent' }, 'statuses[0].id: missing'],
    [{ id: 'w', status: ['sent'] }, 'statuses[0].status: expected a string, got an array'],
    [null, 'statuses[0]: expected an object, got null'],
  ])('refuses a malformed status %p', (status, message) => {
    expect(validationOf(() => mapStatus(status, 'statuses[0]'))).toContain(message);
  });

  it.each([
    [{ id: 'w', from: '521', timestamp: '99999999999999999' }, 'm.timestamp: expected unix seconds'],
    [{ id: 'w', from: '521' }, 'm.timestamp: missing'],
    [{ id: 'w', timestamp: '1' }, 'm.from: missing'],
    [{ from: '521', timestamp: '1' }, 'm.id: missing'],
    [{ id: 'w', from: '521', timestamp: '1', text: 'hola' }, 'm.text: expected an object, got a string'],
    [{ id: 'w', from: '521', timestamp: '1', text: { body: 5 } }, 'm.text.body: expected a string'],
    [{ id: 'w', from: '521', timestamp: '1', referral: [] }, 'm.referral: expected an object, got an array'],
    [
      { id: 'w', from: '521', timestamp: '1', referral: { source_id: {} } },
      'm.referral.source_id: expected an id',
    ],
    ['abc', 'm: expected an object, got a string'],
  ])('refuses a malformed inbound message %p', (message, expected) => {
    expect(validationOf(() => mapInbound(message, names, 'm'))).toContain(expected);
  });

  it('reads changes, template status updates and leadgen values, refusing malformed ones', () => {
    expect(readChange({ field: 'leadgen', value: { a: 1 } }, 'c')).toEqual({
      field: 'leadgen',
      value: { a: 1 },
    });
    expect(validationOf(() => readChange(null, 'c'))).toBe('c: expected an object, got null');
    expect(validationOf(() => readChange({ value: {} }, 'c'))).toBe('c.field: missing');

    expect(
      readTemplateStatus(
        {
          event: 'PAUSED',
          message_template_id: '42',
          message_template_name: 'n',
          message_template_language: 'es',
        },
        'v',
      ),
    ).toEqual({
      event: 'PAUSED',
      templateId: '42',
      name: 'n',
      language: 'es',
      reason: null,
      rejectionInfo: null,
      otherInfo: null,
    });
    expect(
      readTemplateStatus(
        {
          event: 'REJECTED',
          message_template_id: 42,
          message_template_name: 'n',
          message_template_language: 'en-US',
          reason: 'INVALID_FORMAT',
          rejection_info: { reason: 'Bad variables', recommendation: 'Fix them' },
        },
        'v',
      ),
    ).toMatchObject({
      templateId: '42',
      reason: 'INVALID_FORMAT',
      rejectionInfo: { reason: 'Bad variables', recommendation: 'Fix them' },
    });
    expect(
      readTemplateQuality(
        { message_template_id: 7, new_quality_score: 'yellow', previous_quality_score: 'GREEN' },
        'v',
      ),
    ).toEqual({ templateId: '7', score: 'YELLOW' });
    expect(validationOf(() => readTemplateQuality({ message_template_id: 7 }, 'v'))).toBe(
      'v.new_quality_score: missing',
    );
    expect(
      readTemplateCategory(
        { message_template_id: 7, new_category: 'MARKETING', previous_category: 'UTILITY' },
        'v',
      ),
    ).toEqual({ templateId: '7', newCategory: 'MARKETING', previousCategory: 'UTILITY' });
    expect(validationOf(() => readTemplateStatus({ event: 'PAUSED' }, 'v'))).toBe(
      'v.message_template_id: missing',
    );
    expect(
      validationOf(() =>
        readTemplateStatus({ event: 'PAUSED', message_template_language: { code: 'es' } }, 'v'),
      ),
    ).toBe('v.message_template_language: expected a string, got an object');
    expect(validationOf(() => readTemplateStatus({}, 'v'))).toBe('v.event: missing');

    expect(
      readLeadgen(
        {
          leadgen_id: '9780780833223891',
          page_id: '153125381133',
          ad_id: '120215362426053955',
          created_time: 1440120384,
        },
        'v',
      ),
    ).toEqual({
      leadgenId: '9780780833223891',
      pageId: '153125381133',
      adId: '120215362426053955',
      createdTime: '2015-08-21T01:26:24.000Z',
    });
    expect(readLeadgen({ leadgen_id: 12 }, 'v')).toEqual({ leadgenId: '12' });
    expect(validationOf(() => readLeadgen({ page_id: '1' }, 'v'))).toBe('v.leadgen_id: missing');
    expect(
      validationOf(() => readLeadgen({ leadgen_id: '1', created_time: '99999999999999999' }, 'v')),
    ).toContain('v.created_time: expected unix seconds');
    expect(validationOf(() => readLeadgen({ leadgen_id: [1] }, 'v'))).toBe(
      'v.leadgen_id: expected an id, got an array',
    );
  });

  it('converts times', () => {
    expect(unixToIso(1440120384)).toBe('2015-08-21T01:26:24.000Z');
    expect(unixToIso('99999999999999999')).toBeUndefined();
    expect(metaTimeToIso('2015-02-28T08:49:14+0000')).toBe('2015-02-28T08:49:14.000Z');
    expect(metaTimeToIso('garbage')).toBeUndefined();
  });
});
