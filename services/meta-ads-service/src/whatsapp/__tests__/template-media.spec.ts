import { progressOf } from '../template-media.service';

describe('progressOf (what a chunk answer of the Resumable Upload API means)', () => {
  it('the handle once Meta has the whole file', () => {
    expect(progressOf({ h: '4::aW1hZ2UvanBlZw==:abc' }, 3000)).toEqual({
      fileOffset: 3000,
      handle: '4::aW1hZ2UvanBlZw==:abc',
    });
  });

  it('the offset Meta reports for a partial chunk (a number or a string), else the end of the chunk sent', () => {
    expect(progressOf({ id: 'upload:x', file_offset: 524288 }, 524288)).toEqual({
      fileOffset: 524288,
      handle: null,
    });
    expect(progressOf({ id: 'upload:x', file_offset: '1000' }, 2000)).toEqual({
      fileOffset: 1000,
      handle: null,
    });
    expect(progressOf({}, 2000)).toEqual({ fileOffset: 2000, handle: null });
    expect(progressOf({ h: '', file_offset: -1 }, 2000)).toEqual({ fileOffset: 2000, handle: null });
  });
});
