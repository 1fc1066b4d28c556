import { Inject, Injectable } from '@nestjs/common';
import type { Archiver } from 'archiver';
import { Readable, type Writable } from 'node:stream';
import type { Logger } from 'pino';
import { AuditService } from '../audit/audit.service.js';
import { csvLine } from '../common/csv.js';
import { onFirstUse } from '../common/on-first-use.js';
import { LOG } from '../core.module.js';
import { TenantDb } from '../database/tenant-db.js';
import { ObjectStorage } from '../storage/object-storage.js';
import type { TenantRef } from '../tenant/request-context.js';
import { ExportRegistry } from './export-registry.js';
import { type ExportContext, type ExportSource, exportedColumns } from './export-source.js';

const loadArchiver = onFirstUse(() => import('archiver'));

export interface ExportManifest {
  format: 'vetlane-export/1';
  clinic: { id: string; slug: string; name: string };
  exportedAt: string;
  /** `full`, or `no-clinical`: clinical columns and attached files left out (a company admin's). */
  contents: 'full' | 'no-clinical';
  tables: Record<string, { rows: number; files: string[] }>;
  attachments: { count: number; files: string[] };
}

function plain(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * The clinic's complete data as one ZIP, streamed: each source is read twice in
 * keyset batches (once for JSON lines, once for CSV, since zip entries are written one
 * after another), objects are piped from storage, and archiver writes to the response
 * with back-pressure, so memory stays flat however large the clinic.
 */
@Injectable()
export class TenantExportService {
  constructor(
    private readonly db: TenantDb,
    private readonly registry: ExportRegistry,
    private readonly storage: ObjectStorage,
    private readonly audit: AuditService,
    @Inject(LOG) private readonly log: Logger,
  ) {}

  async write(
    tenant: TenantRef,
    out: Writable,
    opts: { clinical: boolean },
  ): Promise<ExportManifest> {
    const ctx: ExportContext = {
      tenantId: tenant.id,
      clinical: opts.clinical,
      run: (work) => this.db.runFor(tenant.id, work),
    };
    await ctx.run((tx) =>
      this.audit.record(tx, { action: 'clinic.exported', entity: 'clinic', entityId: tenant.id }),
    );
    const { ZipArchive } = await loadArchiver();
    const archive = new ZipArchive({ zlib: { level: 6 } });
    const finished = new Promise<void>((resolve, reject) => {
      archive.on('error', reject);
      out.on('error', reject);
      out.on('finish', resolve);
      out.on('close', resolve);
    });
    archive.on('warning', (err: Error) => this.log.warn({ err }, 'export archive warning'));
    archive.pipe(out);
    const manifest: ExportManifest = {
      format: 'vetlane-export/1',
      clinic: { id: tenant.id, slug: tenant.slug, name: tenant.name },
      exportedAt: new Date().toISOString(),
      contents: opts.clinical ? 'full' : 'no-clinical',
      tables: {},
      attachments: { count: 0, files: [] },
    };
    for (const source of this.registry.all()) {
      manifest.tables[source.name] = await this.addSource(archive, source, ctx);
      // Attached files are clinical content (photos, lab reports).
      if (source.objects && ctx.clinical) await this.addObjects(archive, source, ctx, manifest);
    }
    archive.append(JSON.stringify(manifest, null, 2), { name: 'manifest.json' });
    await archive.finalize();
    await finished;
    return manifest;
  }

  private async addSource(archive: Archiver, source: ExportSource, ctx: ExportContext) {
    const jsonName = `data/${source.name}.jsonl`;
    const csvName = `data/${source.name}.csv`;
    let rows = 0;
    const jsonLines = chunked(source.rows(ctx), (row) => {
      rows += 1;
      return JSON.stringify(row, (_k, v: unknown) => plain(v)) + '\n';
    });
    await appendAndWait(archive, Readable.from(jsonLines), jsonName);
    const columns = exportedColumns(source, ctx);
    const csvLines = chunked(
      source.rows(ctx),
      (row) => csvLine(columns.map((c) => row[c])),
      csvLine(columns),
    );
    await appendAndWait(archive, Readable.from(csvLines), csvName);
    return { rows, files: [jsonName, csvName] };
  }

  private async addObjects(
    archive: Archiver,
    source: ExportSource,
    ctx: ExportContext,
    manifest: ExportManifest,
  ) {
    for await (const object of source.objects!(ctx)) {
      // Object keys start with the tenant id; anything else is not this clinic's to export.
      if (!object.key.startsWith(`${ctx.tenantId}/`))
        throw new Error(`Foreign object key in export: ${object.key}`);
      const name = `attachments/${object.name}`;
      const { Body } = await this.storage.get(object.key);
      await appendAndWait(archive, Body as Readable, name);
      manifest.attachments.count += 1;
      manifest.attachments.files.push(name);
    }
  }
}

const CHUNK_CHARS = 64 * 1024;

/**
 * Formats rows into ~64 KB strings: one write per row would cost the zip stream and
 * zlib a call each (hundreds of thousands for a large clinic).
 */
async function* chunked(
  rows: AsyncIterable<Record<string, unknown>>,
  format: (row: Record<string, unknown>) => string,
  first = '',
): AsyncIterable<string> {
  let buffer = first;
  for await (const row of rows) {
    buffer += format(row);
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/** Appends one entry and waits until archiver has consumed it, so sources are read one at a time. */
function appendAndWait(archive: Archiver, stream: Readable, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onEntry = (entry: { name: string }) => {
      if (entry.name !== name) return;
      archive.off('entry', onEntry);
      resolve();
    };
    archive.on('entry', onEntry);
    stream.once('error', reject);
    archive.append(stream, { name });
  });
}
