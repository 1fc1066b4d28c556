import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { LOG, SESSION_SECRET } from '../core.module.js';
import { isUuid } from '../common/ids.js';
import { actingUser, TenantDb, type TenantTx } from '../database/tenant-db.js';
import { firstResult, IDEMPOTENCY_KEY, once } from '../idempotency/once.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { currentTenant, type RequestContext, RequestContexts } from '../tenant/request-context.js';
import { TenantService } from '../tenant/tenant.service.js';
import { type IncomingFile, receiveOneFile } from './attachment-intake.js';
import { FileLinkSigner, type FileLinkVariant } from './file-link.js';
import { type IncomingImageType, processImage } from './image-processing.js';
import { canReadClinical } from './record-access.js';
import { FileLinkExpired, RecordLocked } from './record.errors.js';
import { AttachmentQueries, RecordQueries } from './record.queries.js';
import type { AttachmentRow, AttachmentView } from './record.types.js';

/** What storing a file produced: everything of its row that depends on its kind. */
type StoredFile = Pick<
  AttachmentRow,
  'kind' | 'contentType' | 'sizeBytes' | 'width' | 'height' | 'thumbnailKey'
> & { thumbnailBytes: number };

/** An attachment's row as the upload wrote its objects (before the database adds the rest). */
type StoredRow = Omit<AttachmentRow, 'createdAt' | 'uploadedByName'> & { thumbnailBytes: number };

/** The one-time key scope of uploads (see storeOnce). */
const UPLOAD = 'attachment.upload';

/** The request's context with a one-time key from the multipart form, when no header gave one. */
function withFormKey(ctx: RequestContext, fields: Record<string, string>): RequestContext {
  const key = fields._formKey;
  if (ctx.idempotencyKey || !key || !IDEMPOTENCY_KEY.test(key)) return ctx;
  return { ...ctx, idempotencyKey: key };
}

/** The object key of an attachment: the tenant first, then a fresh id; no client input. */
export function attachmentKey(tenantId: string, id: string) {
  return {
    object: `${tenantId}/attachments/${id}`,
    thumbnail: `${tenantId}/attachments/${id}.thumb.jpg`,
  };
}

function publicView(row: AttachmentRow): AttachmentView {
  const view: Partial<AttachmentRow> = { ...row };
  delete view.objectKey;
  delete view.thumbnailKey;
  return view as AttachmentView;
}

/**
 * Photos and PDFs on medical records. The object is written first under a fresh key, then
 * the row in a transaction; when the row fails the object is deleted, and what a crash
 * leaves behind the orphan sweeper removes. Reads pass the tenant and role checks first.
 */
@Injectable()
export class AttachmentService {
  private readonly links: FileLinkSigner;

  constructor(
    private readonly db: TenantDb,
    private readonly storage: ObjectStorage,
    private readonly audit: AuditService,
    private readonly tenants: TenantService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SESSION_SECRET) sessionSecret: string,
    @Inject(LOG) private readonly log: Logger,
  ) {
    this.links = new FileLinkSigner(config.attachments.linkSecret ?? sessionSecret);
  }

  /**
   * Streams one uploaded file into storage and records it on the record. A finalised record
   * is locked for attachments as for everything else (corrections are addenda, which carry
   * text only); the status is checked before the upload and again, held, when the row is written.
   */
  async upload(recordId: string, req: IncomingMessage): Promise<AttachmentView> {
    if ((await this.recordStatus(recordId)) === 'final') throw new RecordLocked();
    const tenantId = currentTenant().id;
    const ctx = RequestContexts.current()!;
    const { maxBytes, maxPixels } = this.config.attachments;
    return receiveOneFile(req, {
      maxBytes,
      // busboy's events may run outside the request's async context: carry it over.
      handle: (file) =>
        RequestContexts.run(withFormKey(ctx, file.fields), () =>
          this.storeOnce(tenantId, recordId, file, maxPixels),
        ),
    });
  }

  /**
   * A repeat of an upload's one-time key (the form's, or the script's `Idempotency-Key`) is
   * answered with the first upload's attachment: nothing is stored again. Two copies sent at
   * once both store their file; the one whose row loses the key's race deletes its objects.
   */
  private async storeOnce(
    tenantId: string,
    recordId: string,
    file: IncomingFile,
    maxPixels: number,
  ): Promise<AttachmentView> {
    const first = RequestContexts.current()?.idempotencyKey
      ? await this.db.run((tx) => firstResult<AttachmentView>(tx, UPLOAD))
      : null;
    if (first) {
      // The repeat's bytes are read and dropped, so that its answer can be sent.
      for await (const chunk of file.chunks) void chunk;
      return first.result;
    }
    return this.store(tenantId, recordId, file, maxPixels);
  }

  private async store(tenantId: string, recordId: string, file: IncomingFile, maxPixels: number) {
    const id = randomUUID();
    const keys = attachmentKey(tenantId, id);
    const written: string[] = [];
    try {
      const stored =
        file.type === 'application/pdf'
          ? await this.storePdf(keys, file, written)
          : await this.storeImage(keys, { ...file, type: file.type }, maxPixels, written);
      const row = {
        id,
        recordId,
        displayName: file.displayName,
        objectKey: keys.object,
        ...stored,
      };
      const saved = await this.db.run((tx) => once(tx, UPLOAD, () => this.insertRow(tx, row)));
      if (saved.id !== id) await this.removeObjects(written);
      return saved;
    } catch (err) {
      await this.removeObjects(written);
      throw err;
    }
  }

  private async insertRow(tx: TenantTx, row: StoredRow): Promise<AttachmentView> {
    const user = actingUser(tx);
    // Finalised while the file was arriving: the record is locked now.
    if ((await RecordQueries.status(tx, row.recordId, { lock: true })) !== 'draft')
      throw new RecordLocked();
    const createdAt = await AttachmentQueries.insert(tx, row, user);
    await this.tenants.recordObjectBytes(tx, row.sizeBytes + row.thumbnailBytes);
    await this.audit.record(tx, {
      action: 'attachment.uploaded',
      entity: 'attachment',
      entityId: row.id,
      after: {
        recordId: row.recordId,
        kind: row.kind,
        contentType: row.contentType,
        sizeBytes: row.sizeBytes,
        displayName: row.displayName,
      },
    });
    const { thumbnailBytes: _counted, ...saved } = row;
    return publicView({ ...saved, createdAt, uploadedByName: user.name });
  }

  /** A PDF is streamed into storage as it arrives. */
  private async storePdf(
    keys: { object: string },
    file: IncomingFile,
    written: string[],
  ): Promise<StoredFile> {
    const size = await this.storage.putStream(keys.object, file.chunks, file.type);
    written.push(keys.object);
    return {
      kind: 'pdf',
      contentType: file.type,
      sizeBytes: size,
      width: null,
      height: null,
      thumbnailKey: null,
      thumbnailBytes: 0,
    };
  }

  /** An image is decoded (within the pixel limit), re-encoded and stored with a thumbnail. */
  private async storeImage(
    keys: { object: string; thumbnail: string },
    file: IncomingFile & { type: IncomingImageType },
    maxPixels: number,
    written: string[],
  ): Promise<StoredFile> {
    const parts: Buffer[] = [];
    for await (const chunk of file.chunks) parts.push(chunk);
    const image = await processImage(Buffer.concat(parts), file.type, maxPixels);
    parts.length = 0;
    await this.storage.put(keys.object, image.data, image.contentType, image.data.length);
    written.push(keys.object);
    await this.storage.put(keys.thumbnail, image.thumbnail, 'image/jpeg', image.thumbnail.length);
    written.push(keys.thumbnail);
    return {
      kind: 'image',
      contentType: image.contentType,
      sizeBytes: image.data.length,
      width: image.width,
      height: image.height,
      thumbnailKey: keys.thumbnail,
      thumbnailBytes: image.thumbnail.length,
    };
  }

  async listForRecord(recordId: string): Promise<AttachmentView[]> {
    await this.recordStatus(recordId);
    if (!canReadClinical()) return [];
    return this.db.run(async (tx) =>
      (await AttachmentQueries.ofRecord(tx, recordId)).map(publicView),
    );
  }

  /** The pet's images across its records, newest first, for the gallery. */
  imagesForPet(petId: string, limit = 24): Promise<AttachmentView[]> {
    if (!canReadClinical()) return Promise.resolve([]);
    return this.db.run(async (tx) =>
      (await AttachmentQueries.imagesOfPet(tx, petId, limit)).map(publicView),
    );
  }

  /** Deletes the row (while the record is a draft), then the object and its thumbnail. */
  async delete(attachmentId: string): Promise<{ recordId: string }> {
    const row = await this.find(attachmentId);
    if ((await this.recordStatus(row.recordId)) === 'final') throw new RecordLocked();
    await this.db.run(async (tx) => {
      await this.tenants.recordObjectBytes(tx, -(await AttachmentQueries.delete(tx, attachmentId)));
      await this.audit.record(tx, {
        action: 'attachment.deleted',
        entity: 'attachment',
        entityId: attachmentId,
        before: publicView(row),
      });
    });
    await this.removeObjects([row.objectKey, row.thumbnailKey].filter((k): k is string => !!k));
    return { recordId: row.recordId };
  }

  /** A short-lived link to the file for the signed-in user, after the tenant and role checks. */
  async link(
    attachmentId: string,
    variant: FileLinkVariant,
  ): Promise<{ url: string; expiresAt: Date }> {
    await this.find(attachmentId);
    const tenant = currentTenant();
    const expires = Math.floor(Date.now() / 1000) + this.config.attachments.linkTtlSeconds;
    const claims = {
      tenantId: tenant.id,
      attachmentId,
      userId: RequestContexts.current()!.user!.id,
      variant,
      expires,
    };
    const sig = this.links.sign(claims);
    return {
      url: `/c/${tenant.slug}/files/${attachmentId}?v=${variant}&exp=${expires}&sig=${sig}`,
      expiresAt: new Date(expires * 1000),
    };
  }

  /** Checks a file link, logs the view or download, and opens the object's stream. */
  async openLinked(attachmentId: string, q: { v?: string; exp?: string; sig?: string }) {
    if (!isUuid(attachmentId)) throw new NotFoundError('file');
    const variant: FileLinkVariant = q.v === 'download' ? 'download' : 'view';
    const claims = {
      tenantId: currentTenant().id,
      attachmentId,
      userId: RequestContexts.current()!.user!.id,
      variant,
      expires: Number(q.exp),
    };
    const verdict = this.links.verify(claims, String(q.sig ?? ''), Math.floor(Date.now() / 1000));
    if (verdict === 'invalid') throw new NotFoundError('file');
    if (verdict === 'expired') throw new FileLinkExpired();
    const row = await this.find(attachmentId);
    const stream = await this.storage.getStream(row.objectKey);
    await this.db.run((tx) =>
      this.audit.record(tx, {
        action: variant === 'download' ? 'attachment.downloaded' : 'attachment.viewed',
        entity: 'attachment',
        entityId: attachmentId,
        after: { recordId: row.recordId },
      }),
    );
    return { ...stream, row: publicView(row), variant };
  }

  async openThumbnail(attachmentId: string) {
    const row = await this.find(attachmentId);
    if (!row.thumbnailKey) throw new NotFoundError('file');
    return this.storage.getStream(row.thumbnailKey);
  }

  private async find(attachmentId: string): Promise<AttachmentRow> {
    if (!isUuid(attachmentId)) throw new NotFoundError('file');
    const row = await this.db.run((tx) => AttachmentQueries.byId(tx, attachmentId));
    if (!row) throw new NotFoundError('file');
    return row;
  }

  private async recordStatus(recordId: string): Promise<'draft' | 'final'> {
    if (!isUuid(recordId)) throw new NotFoundError('record');
    const status = await this.db.run((tx) => RecordQueries.status(tx, recordId));
    if (!status) throw new NotFoundError('record');
    return status;
  }

  /** Best effort: an object that cannot be removed now is an orphan the sweeper removes later. */
  private async removeObjects(keys: string[]) {
    for (const key of keys)
      await this.storage
        .delete(key)
        .catch((err) => this.log.warn({ err, key }, 'object left for the orphan sweeper'));
  }
}
