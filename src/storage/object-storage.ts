import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { S3Settings } from '../config/config.js';
import { classifyStorageError } from './storage.errors.js';

export interface StoredObjectInfo {
  key: string;
  lastModified: Date;
  size: number;
}

export interface StoredObjectStream {
  body: Readable;
  contentLength?: number;
}

/** S3 requires parts of at least 5 MiB (but the last); 8 MiB bounds memory per upload. */
const PART_SIZE = 8 * 1024 * 1024;

/**
 * The only door to S3-compatible storage. Keys always start with the tenant id and never
 * contain a client-supplied name (ARCHITECTURE.md, "Objects"). Failures surface as
 * StorageUnavailable / StoredObjectMissing (storage.errors.ts).
 */
export class ObjectStorage {
  private readonly client: S3Client;
  readonly bucket: string;

  constructor(settings: S3Settings) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // The SDK's default aws-chunked framing is stored verbatim by s3rver and several other
      // S3-compatible servers (STACK-NOTES.md): checksum only when the operation requires it.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 2,
      // A store that does not answer must fail an upload quickly and clearly, not hang it.
      requestHandler: { connectionTimeout: 5000 },
    });
  }

  tenantKey(tenantId: string, ...parts: string[]): string {
    return [tenantId, ...parts].join('/');
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async put(key: string, body: Buffer | Readable, contentType: string, contentLength?: number) {
    await this.call(() =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ContentLength: contentLength,
        }),
      ),
    );
  }

  /**
   * Stores a stream of unknown length holding at most one part in memory: one PUT when it
   * is small, a multipart upload otherwise (aborted when the stream or a part fails).
   * Returns the number of bytes stored.
   */
  async putStream(key: string, body: AsyncIterable<Buffer>, contentType: string): Promise<number> {
    const iterator = body[Symbol.asyncIterator]();
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let total = 0;
    let done = false;
    const fill = async () => {
      while (!done && pendingBytes < PART_SIZE) {
        const next = await iterator.next();
        if (next.done) done = true;
        else {
          pending.push(next.value);
          pendingBytes += next.value.length;
          total += next.value.length;
        }
      }
    };
    const take = () => {
      const all = Buffer.concat(pending);
      const part = all.subarray(0, PART_SIZE);
      const rest = all.subarray(PART_SIZE);
      pending = rest.length ? [rest] : [];
      pendingBytes = rest.length;
      return part;
    };

    await fill();
    if (done && pendingBytes <= PART_SIZE) {
      const whole = Buffer.concat(pending);
      await this.put(key, whole, contentType, whole.length);
      return total;
    }
    const created = await this.call(() =>
      this.client.send(
        new CreateMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          ContentType: contentType,
        }),
      ),
    );
    const uploadId = created.UploadId!;
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      while (pendingBytes > 0) {
        const partNumber = parts.length + 1;
        const body = take();
        const res = await this.call(() =>
          this.client.send(
            new UploadPartCommand({
              Bucket: this.bucket,
              Key: key,
              UploadId: uploadId,
              PartNumber: partNumber,
              Body: body,
              ContentLength: body.length,
            }),
          ),
        );
        parts.push({ ETag: res.ETag!, PartNumber: partNumber });
        await fill();
      }
      await this.call(() =>
        this.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
          }),
        ),
      );
      return total;
    } catch (err) {
      await this.client
        .send(
          new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
        )
        .catch(() => undefined);
      throw err;
    }
  }

  async get(key: string) {
    return this.call(() =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })),
    );
  }

  /** The object's bytes as a Node stream, for piping to a response. */
  async getStream(key: string): Promise<StoredObjectStream> {
    const res = await this.get(key);
    return { body: res.Body as Readable, contentLength: res.ContentLength };
  }

  async delete(key: string): Promise<void> {
    await this.call(() =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
    );
  }

  /** Every object under a prefix, page by page (1,000 keys a request). */
  async *list(prefix: string): AsyncGenerator<StoredObjectInfo> {
    let token: string | undefined;
    do {
      const page = await this.call(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ContinuationToken: token,
          }),
        ),
      );
      for (const o of page.Contents ?? [])
        if (o.Key)
          yield { key: o.Key, lastModified: o.LastModified ?? new Date(0), size: o.Size ?? 0 };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  destroy(): void {
    this.client.destroy();
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw classifyStorageError(err);
    }
  }
}
