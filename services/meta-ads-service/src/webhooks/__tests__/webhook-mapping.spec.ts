import { mapInbound, mapLeadFields, mapStatusErrors, metaTimeToIso, unixToIso } from '../webhook-mapping';

describe('webhook mapping', () => {
  const value = {
    metadata: { phone_number_id: '106540352242922', display_phone_number: '15550783881' },
    contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '5215512345678' }],
  };

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
      value,
    );
    expect(mapped).toEqual({
      wamid: 'wamid.ABC',
      from: '+5215512345678',
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

  it('skips messages without a phone-number sender', () => {
    expect(mapInbound({ from: '', id: 'wamid.X', timestamp: '1750275992' }, value)).toBeUndefined();
  });

  it('maps status errors and timestamps', () => {
    expect(mapStatusErrors([{ code: 131026, title: 'Message undeliverable', message: 'x' }])).toEqual([
      { code: 131026, title: 'Message undeliverable', message: 'x' },
    ]);
    expect(mapStatusErrors([])).toBeUndefined();
    expect(unixToIso(1440120384)).toBe('2015-08-21T01:26:24.000Z');
    expect(metaTimeToIso('2015-02-28T08:49:14+0000')).toBe('2015-02-28T08:49:14.000Z');
    expect(metaTimeToIso('garbage')).toBeUndefined();
  });

  it('maps lead form answers, normalising the phone when possible', () => {
    expect(
      mapLeadFields([
        { name: 'full_name', values: ['Joe Example'] },
        { name: 'email', values: ['Joe@Example.com'] },
        { name: 'phone_number', values: ['+52 55 1234 5678'] },
      ]),
    ).toEqual({ fullName: 'Joe Example', email: 'joe@example.com', phone: '+525512345678' });
    expect(
      mapLeadFields([
        { name: 'phone_number', values: ['5512345678'] },
        { name: 'first_name', values: ['Ana'] },
        { name: 'last_name', values: ['Ruiz'] },
      ]),
    ).toEqual({
      fullName: 'Ana Ruiz',
    });
  });
});
