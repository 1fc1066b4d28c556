import { onFirstUse } from '../common/on-first-use.js';
import { ImageTooLarge, UnreadableImage } from './record.errors.js';

const loadSharp = onFirstUse(async () => {
  const { default: sharp } = await import('sharp');
  // Memory matters more than speed here: no libvips operation cache between uploads.
  sharp.cache(false);
  return sharp;
});
const loadHeicConverter = onFirstUse(async () => (await import('heic-convert')).default);

export type StoredImageType = 'image/jpeg' | 'image/png' | 'image/webp';
export type IncomingImageType = StoredImageType | 'image/heic';

export interface ProcessedImage {
  data: Buffer;
  contentType: StoredImageType;
  width: number;
  height: number;
  thumbnail: Buffer;
}

export const THUMBNAIL_SIZE = 320;

/**
 * The largest image a HEIC/HEIF file declares, read from its `ispe` (image spatial extent)
 * boxes without decoding anything, so a decompression bomb is refused before conversion.
 */
export function heifDimensions(data: Buffer): { width: number; height: number } | null {
  let best: { width: number; height: number } | null = null;
  for (
    let i = data.indexOf('ispe');
    i >= 4 && i + 16 <= data.length;
    i = data.indexOf('ispe', i + 4)
  ) {
    const width = data.readUInt32BE(i + 8);
    const height = data.readUInt32BE(i + 12);
    if (!best || width * height > best.width * best.height) best = { width, height };
  }
  return best;
}

function assertPixels(width: number, height: number, maxPixels: number) {
  if (!width || !height) throw new UnreadableImage();
  if (width * height > maxPixels) throw new ImageTooLarge(maxPixels);
}

/**
 * Makes a stored image out of an upload: HEIC/HEIF converted to JPEG (sharp's prebuilt
 * libvips cannot decode HEVC), turned upright, every metadata block (EXIF with its GPS
 * location, XMP, comments) dropped by re-encoding, and a JPEG thumbnail. The pixel limit is
 * checked from the header before any decoding, and again by libvips while decoding.
 */
export async function processImage(
  input: Buffer,
  type: IncomingImageType,
  maxPixels: number,
): Promise<ProcessedImage> {
  let source = input;
  let contentType: StoredImageType = type === 'image/heic' ? 'image/jpeg' : type;
  if (type === 'image/heic') {
    const dims = heifDimensions(input);
    if (!dims) throw new UnreadableImage();
    assertPixels(dims.width, dims.height, maxPixels);
    try {
      const convertHeic = await loadHeicConverter();
      source = Buffer.from(await convertHeic({ buffer: input, format: 'JPEG', quality: 0.92 }));
    } catch {
      throw new UnreadableImage();
    }
    contentType = 'image/jpeg';
  }
  const options = { limitInputPixels: maxPixels, failOn: 'error' as const };
  const sharp = await loadSharp();
  try {
    const meta = await sharp(source, options).metadata();
    assertPixels(meta.width ?? 0, (meta.pageHeight ?? meta.height) || 0, maxPixels);
    // Upright pixels (EXIF orientation applied) and no metadata kept but the colour profile.
    const upright = sharp(source, options).rotate().keepIccProfile();
    const encoded =
      contentType === 'image/png'
        ? upright.png()
        : contentType === 'image/webp'
          ? upright.webp({ quality: 90 })
          : upright.jpeg({ quality: 90 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    const thumbnail = await sharp(data, options)
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 78 })
      .toBuffer();
    return { data, contentType, width: info.width, height: info.height, thumbnail };
  } catch (err) {
    if (err instanceof ImageTooLarge || err instanceof UnreadableImage) throw err;
    if (err instanceof Error && /pixel limit/i.test(err.message))
      throw new ImageTooLarge(maxPixels);
    throw new UnreadableImage();
  }
}
