import { describe, expect, it } from '@jest/globals';
import { heifDimensions, processImage } from './image-processing.js';
import { ImageTooLarge, UnreadableImage } from './record.errors.js';

/** A HEIF-shaped buffer: ftyp box with the given brand and `ispe` boxes of these sizes. */
function heif(sizes: [number, number][]): Buffer {
  const ftyp = Buffer.concat([
    Buffer.from([0, 0, 0, 24]),
    Buffer.from('ftypheic'),
    Buffer.alloc(4),
    Buffer.from('mif1heic'),
  ]);
  const boxes = sizes.map(([w, h]) => {
    const box = Buffer.alloc(20);
    box.writeUInt32BE(20, 0);
    box.write('ispe', 4);
    box.writeUInt32BE(w, 12);
    box.writeUInt32BE(h, 16);
    return box;
  });
  return Buffer.concat([ftyp, ...boxes]);
}

describe('HEIC photos from phones', () => {
  it('reads the largest declared image size without decoding (grid tiles and the full image)', () => {
    expect(
      heifDimensions(
        heif([
          [512, 512],
          [4032, 3024],
          [320, 240],
        ]),
      ),
    ).toEqual({ width: 4032, height: 3024 });
    expect(heifDimensions(Buffer.from('no boxes here'))).toBeNull();
  });

  it('refuses a HEIC that declares too many pixels before converting it', async () => {
    await expect(
      processImage(heif([[100_000, 100_000]]), 'image/heic', 50_000_000),
    ).rejects.toBeInstanceOf(ImageTooLarge);
  });

  it('calls a HEIC it cannot decode unreadable instead of failing with a 500', async () => {
    await expect(processImage(heif([[64, 64]]), 'image/heic', 50_000_000)).rejects.toBeInstanceOf(
      UnreadableImage,
    );
  });
});
