import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { BadUpload, FileTooLarge, UnsupportedFileType } from './record.errors.js';
import type { IncomingImageType } from './image-processing.js';

/** Enough leading bytes for every signature file-type knows. */
const HEAD_BYTES = 4100;

export type IncomingFileType = IncomingImageType | 'application/pdf';

const ACCEPTED: Record<string, IncomingFileType> = {
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/webp': 'image/webp',
  'image/heic': 'image/heic',
  'image/heif': 'image/heic',
  'application/pdf': 'application/pdf',
};

export interface IncomingFile {
  /** Decided from the content's magic bytes, never from the name or Content-Type. */
  type: IncomingFileType;
  /** For display only; never part of an object key. */
  displayName: string;
  /** The first bytes (already read) followed by the rest, counted against the limit. */
  chunks: AsyncIterable<Buffer>;
  /** The form's text fields sent before the file (its one-time `_formKey`). */
  fields: Record<string, string>;
}

/** A file name fit to show: its last path segment, printable, at most 200 characters. */
export function displayNameOf(filename: string | undefined, type: IncomingFileType): string {
  const base = (filename ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\p{Cc}\p{Cf}"<>]/gu, '')
    .trim()
    .slice(0, 200);
  const fallback = type === 'application/pdf' ? 'document.pdf' : 'photo.jpg';
  if (!clean) return fallback;
  return type === 'image/heic' ? clean.replace(/\.(heic|heif)$/i, '') + '.jpg' : clean;
}

/** Counts bytes as they arrive and fails the moment the limit is passed. */
async function* counted(stream: Readable, maxBytes: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new FileTooLarge(maxBytes);
    yield chunk;
  }
  if ((stream as Readable & { truncated?: boolean }).truncated) throw new FileTooLarge(maxBytes);
}

async function readHead(source: AsyncIterator<Buffer>): Promise<{ head: Buffer; ended: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  while (size < HEAD_BYTES) {
    const next = await source.next();
    if (next.done) return { head: Buffer.concat(parts), ended: true };
    parts.push(next.value);
    size += next.value.length;
  }
  return { head: Buffer.concat(parts), ended: false };
}

async function* rejoin(head: Buffer, rest: AsyncIterator<Buffer>, ended: boolean) {
  if (head.length) yield head;
  if (ended) return;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

function describe(mime: string | undefined, head: Buffer): string | undefined {
  if (mime) return mime;
  const text = head.subarray(0, 512).toString('utf8').trimStart().toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'SVG';
  if (text.startsWith('<!doctype html') || text.startsWith('<html')) return 'HTML';
  return undefined;
}

/**
 * Reads one file from a multipart request as a stream: the type is decided by its first
 * bytes, the size limit is enforced while the bytes arrive (busboy's `fileSize` plus our own
 * count), and `handle` consumes the rest. Whatever happens, the request is drained or
 * ended so the response can be sent.
 */
export function receiveOneFile<T>(
  req: IncomingMessage,
  opts: { maxBytes: number; handle: (file: IncomingFile) => Promise<T> },
): Promise<T> {
  const declared = Number(req.headers['content-length'] ?? 0);
  // Multipart framing adds a few hundred bytes; anything far beyond the limit is refused unread.
  if (declared > opts.maxBytes + 64 * 1024) {
    req.resume(); // discarded unread, so the refusal can still be read by the client
    return Promise.reject(new FileTooLarge(opts.maxBytes));
  }
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: opts.maxBytes + 1, fields: 10, parts: 11 },
      });
    } catch {
      reject(new BadUpload('Send the file as multipart/form-data.'));
      return;
    }
    let sawFile = false;
    let settled = false;
    const fields: Record<string, string> = {};
    parser.on('field', (name, value) => {
      if (!sawFile) fields[name] = value;
    });
    const finish = (err: unknown, value?: T) => {
      if (settled) return;
      settled = true;
      if (err) {
        req.unpipe(parser);
        req.resume(); // discard the rest so the error response can still be read
        reject(err);
      } else resolve(value as T);
    };
    parser.on('file', (_field, stream, info) => {
      if (sawFile) {
        stream.resume();
        return;
      }
      sawFile = true;
      void (async () => {
        const source = counted(stream, opts.maxBytes)[Symbol.asyncIterator]();
        const { head, ended } = await readHead(source);
        if (!head.length) throw new BadUpload('The file is empty.');
        const detected = await fileTypeFromBuffer(head);
        const type = detected ? ACCEPTED[detected.mime] : undefined;
        if (!type) throw new UnsupportedFileType(describe(detected?.mime, head));
        return opts.handle({
          type,
          displayName: displayNameOf(info.filename, type),
          chunks: rejoin(head, source, ended),
          fields,
        });
      })().then(
        (value) => {
          stream.resume();
          finish(null, value);
        },
        (err) => {
          stream.resume();
          finish(err);
        },
      );
    });
    parser.on('error', (err) => finish(new BadUpload(`The upload was cut off: ${String(err)}`)));
    parser.on('close', () => {
      if (!sawFile) finish(new BadUpload('Choose a file to upload.'));
    });
    req.on('aborted', () => finish(new BadUpload('The upload was cancelled.')));
    req.pipe(parser);
  });
}
