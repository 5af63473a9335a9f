import { HttpException } from '@nestjs/common';
import { readMediaSample, sampleFileName } from './template-media-samples';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42', 'latin1'), Buffer.alloc(8)]);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n', 'latin1');

/** The status, `details.reason` and message of what `readMediaSample` throws. */
function refusal(run: () => unknown): { status: number; reason: unknown; message: string } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof HttpException)) throw error;
    const body = error.getResponse() as { message: string; details?: { reason?: unknown } };
    return { status: error.getStatus(), reason: body.details?.reason, message: body.message };
  }
  throw new Error('expected a refusal');
}

describe('readMediaSample (what the media-samples route accepts)', () => {
  it('takes a JPEG, PNG, MP4 or PDF whose first bytes are of its declared type', () => {
    expect(readMediaSample('image/jpeg', JPEG, 'foto.jpg')).toEqual({
      bytes: JPEG,
      type: 'image/jpeg',
      fileName: 'foto.jpg',
    });
    expect(readMediaSample('image/png', PNG, undefined).fileName).toBe('sample.png');
    expect(readMediaSample('video/mp4; codecs="avc1"', MP4, 'tour.mp4').type).toBe('video/mp4');
    expect(readMediaSample('APPLICATION/PDF', PDF, 'ficha.pdf').type).toBe('application/pdf');
  });

  it('415 for another type or no file, 400 for an empty file or content of another kind, 413 over the limit', () => {
    expect(refusal(() => readMediaSample('image/gif', Buffer.from('GIF89a'), 'a.gif'))).toMatchObject({
      status: 415,
      reason: 'unsupported_type',
      message: expect.stringContaining('got "image/gif"'),
    });
    expect(refusal(() => readMediaSample('application/json', { handle: 'x' }, undefined)).status).toBe(415);
    expect(refusal(() => readMediaSample(undefined, undefined, undefined)).status).toBe(415);
    expect(refusal(() => readMediaSample('image/jpeg', Buffer.alloc(0), 'a.jpg'))).toMatchObject({
      status: 400,
      reason: 'empty',
    });
    expect(refusal(() => readMediaSample('image/jpeg', PNG, 'a.jpg'))).toMatchObject({
      status: 400,
      reason: 'content_mismatch',
      message: 'the file is not a JPEG image: its content does not match image/jpeg',
    });
    expect(refusal(() => readMediaSample('application/pdf', Buffer.from('<html>'), 'a.pdf')).reason).toBe(
      'content_mismatch',
    );
    const big = Buffer.concat([JPEG, Buffer.alloc(5 * 1024 * 1024)]);
    expect(refusal(() => readMediaSample('image/jpeg', big, 'a.jpg'))).toMatchObject({
      status: 413,
      reason: 'too_large',
      message: 'the file is larger than 5 MB, the limit for a JPEG image sample',
    });
  });

  it('names the file for Meta without paths or control characters', () => {
    expect(sampleFileName('C:\\fotos\\promo\u0007.jpg', 'image/jpeg')).toBe('promo.jpg');
    expect(sampleFileName('../../etc/passwd', 'application/pdf')).toBe('passwd');
    expect(sampleFileName('   ', 'video/mp4')).toBe('sample.mp4');
    expect(sampleFileName(['a', 'b'], 'image/png')).toBe('sample.png');
    expect(sampleFileName('x'.repeat(300), 'image/png')).toHaveLength(255);
  });
});
