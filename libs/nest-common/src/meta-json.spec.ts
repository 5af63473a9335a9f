import { MetaJsonError, cleanMetaText, isIdKey, parseMetaJson } from './meta-json';

describe('parseMetaJson', () => {
  it('keeps every digit of ids Meta sends as numbers (JSON.parse would round them)', () => {
    const text =
      '{"object":"page","entry":[{"id":153125381133,"time":1438292065,"changes":[{"field":"leadgen",' +
      '"value":{"leadgen_id":9780780833223891,"page_id":153125381133,"ad_id":120215362426053955,' +
      '"adgroup_id":120215362426053955,"created_time":1440120384}}]}]}';
    expect(
      (JSON.parse(text) as { entry: { changes: { value: { ad_id: number } }[] }[] }).entry[0].changes[0].value
        .ad_id,
    ).toBe(120215362426053950);
    expect(parseMetaJson(text)).toEqual({
      object: 'page',
      entry: [
        {
          id: '153125381133',
          time: 1438292065,
          changes: [
            {
              field: 'leadgen',
              value: {
                leadgen_id: '9780780833223891',
                page_id: '153125381133',
                ad_id: '120215362426053955',
                adgroup_id: '120215362426053955',
                created_time: 1440120384,
              },
            },
          ],
        },
      ],
    });
  });

  it('turns id-like keys into strings even for small numbers, and camelCase ids too', () => {
    expect(parseMetaJson('{"id":7,"phone_number_id":1,"phoneNumberId":2,"count":3,"idle":4}')).toEqual({
      id: '7',
      phone_number_id: '1',
      phoneNumberId: '2',
      count: 3,
      idle: 4,
    });
  });

  it('keeps digits in nested arrays: unsafe integers become strings, safe ones stay numbers', () => {
    expect(parseMetaJson('{"values":[[9007199254740993,1],[-9007199254740993,{"ad_id":42}]]}')).toEqual({
      values: [
        ['9007199254740993', 1],
        ['-9007199254740993', { ad_id: '42' }],
      ],
    });
    expect(parseMetaJson('[9007199254740991]')).toEqual([9007199254740991]);
  });

  it('keeps floats and exponent forms as numbers; a value beyond the double range stays text', () => {
    expect(parseMetaJson('{"spend":"12.50","cpc":0.1,"ratio":1.50,"big":1.7976931348623157e308}')).toEqual({
      spend: '12.50',
      cpc: 0.1,
      ratio: 1.5,
      big: 1.7976931348623157e308,
    });
    expect(parseMetaJson('{"a":1e3,"b":-2.5E-3,"c":1e400,"d":123456789012345678901234.5}')).toEqual({
      a: 1000,
      b: -0.0025,
      c: '1e400',
      d: Number('123456789012345678901234.5'),
    });
    expect(parseMetaJson('{"id":1e3}')).toEqual({ id: '1e3' });
  });

  it('keeps booleans, null and strings; cleans NUL and unpaired surrogates from strings and keys', () => {
    expect(
      parseMetaJson('{"ok":true,"no":false,"none":null,"name":"Ana\\u0000 \\ud83d\\ude00 \\ud800x"}'),
    ).toEqual({
      ok: true,
      no: false,
      none: null,
      name: 'Ana 😀 \uFFFDx',
    });
    expect(parseMetaJson('{"a\\u0000b":1}')).toEqual({ ab: 1 });
  });

  it.each([
    ['', 'invalid JSON'],
    ['{"entry": [', 'invalid JSON'],
    ['this is not json', 'invalid JSON'],
    ['{"a":1}{"b":2}', 'invalid JSON'],
    ['{"a":1,"a":2}', 'invalid JSON'],
    ['['.repeat(100_000), 'JSON'],
  ])('refuses %p with a clear MetaJsonError', (text, message) => {
    let error: unknown;
    try {
      parseMetaJson(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MetaJsonError);
    expect((error as Error).message).toContain(message);
  });
});

describe('cleanMetaText', () => {
  it('leaves ordinary text (accents, emoji, CJK) untouched', () => {
    const text = 'Hola, ¿cómo estás? 😀 你好';
    expect(cleanMetaText(text)).toBe(text);
  });

  it('removes NUL and replaces unpaired surrogates, keeping valid pairs', () => {
    expect(cleanMetaText('a\u0000b')).toBe('ab');
    expect(cleanMetaText('\uD83D\uDE00')).toBe('😀');
    expect(cleanMetaText('x\uD83Dy')).toBe('x\uFFFDy');
    expect(cleanMetaText('x\uDE00y')).toBe('x\uFFFDy');
    expect(cleanMetaText('\uDE00\uD83D')).toBe('\uFFFD\uFFFD');
    expect(cleanMetaText('end\uD83D')).toBe('end\uFFFD');
  });

  it('yields text PostgreSQL accepts (no NUL, well-formed UTF-16)', () => {
    const cleaned = cleanMetaText('\u0000\uD800\u0000\uDFFF\uD83D\uDE00');
    expect(cleaned.includes('\u0000')).toBe(false);
    expect(Buffer.from(cleaned, 'utf8').toString('utf8')).toBe(cleaned);
  });
});

describe('isIdKey', () => {
  it.each([
    ['id', true],
    ['ad_id', true],
    ['phoneNumberId', true],
    ['idle', false],
    ['paid', false],
    ['identity', false],
    ['valid', false],
  ])('%s → %p', (key, expected) => {
    expect(isIdKey(key)).toBe(expected);
  });
});
