import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { wantsJson } from '../web/exception.filter.js';
import { ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { CLINICAL_READERS, RECORD_WRITERS } from './record-access.js';
import { AttachmentService } from './attachment.service.js';

/** RFC 6266 / 5987: an ASCII fallback and the UTF-8 name. */
function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

@Controller('c/:clinicSlug')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINICAL_READERS)
export class AttachmentController {
  constructor(private readonly attachments: AttachmentService) {}

  /** One file per request (multipart/form-data, field `file`); the page sends several in parallel. */
  @Post('records/:recordId/attachments')
  @ClinicRoles(...RECORD_WRITERS)
  @HttpCode(201)
  async upload(@Param('recordId') recordId: string, @Req() req: Request) {
    return { attachment: await this.attachments.upload(recordId, req) };
  }

  @Get('records/:recordId/attachments')
  async list(@Param('recordId') recordId: string) {
    return { attachments: await this.attachments.listForRecord(recordId) };
  }

  /** Issues a short-lived link and sends the browser to it (or returns it as JSON). */
  @Get('attachments/:id/open')
  async open(
    @Param('id') id: string,
    @Query('download') download: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const link = await this.attachments.link(id, download ? 'download' : 'view');
    res.setHeader('Cache-Control', 'no-store');
    if (wantsJson(req)) res.json(link);
    else res.redirect(303, link.url);
  }

  @Get('attachments/:id/thumbnail')
  async thumbnail(@Param('id') id: string, @Res() res: Response) {
    const file = await this.attachments.openThumbnail(id);
    res.setHeader('Content-Type', 'image/jpeg');
    res.setHeader('Cache-Control', 'private, max-age=300');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (file.contentLength) res.setHeader('Content-Length', String(file.contentLength));
    file.body.pipe(res);
  }

  @Post('attachments/:id/delete')
  @ClinicRoles(...RECORD_WRITERS)
  async remove(@Param('id') id: string, @Res() res: Response) {
    const { recordId } = await this.attachments.delete(id);
    res.redirect(303, `/c/${res.locals.clinic.slug}/records/${recordId}#attachments`);
  }

  /** The file itself, behind a signed link that expires, after the session's tenant and role checks. */
  @Get('files/:id')
  async file(
    @Param('id') id: string,
    @Query() query: { v?: string; exp?: string; sig?: string },
    @Res() res: Response,
  ) {
    const file = await this.attachments.openLinked(id, query);
    res.setHeader('Content-Type', file.row.contentType);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader(
      'Content-Disposition',
      contentDisposition(
        file.variant === 'download' ? 'attachment' : 'inline',
        file.row.displayName,
      ),
    );
    if (file.row.kind === 'image')
      res.setHeader(
        'Content-Security-Policy',
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
      );
    else res.removeHeader('Content-Security-Policy');
    if (file.contentLength) res.setHeader('Content-Length', String(file.contentLength));
    file.body.on('error', () => res.destroy());
    file.body.pipe(res);
  }
}
