import { Body, Controller, Get, Param, Post, Query, Render, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { parseInput } from '../common/validation.js';
import { ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { formErrors, formValues } from '../web/form-errors.js';
import { MessageLog } from './message-log.service.js';

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: 'validation.messageSetting' })
    .int({ error: 'validation.messageSetting' })
    .min(min, { error: 'validation.messageSetting' })
    .max(max, { error: 'validation.messageSetting' });

export const MessageSettingsForm = z
  .object({
    reminderHoursBefore: int(0, 168),
    recallDaysBefore: int(1, 365),
    recallSecondDaysBefore: int(0, 365),
  })
  .refine((v) => v.recallSecondDaysBefore < v.recallDaysBefore, {
    path: ['recallSecondDaysBefore'],
    error: 'validation.secondRecallAfterFirst',
  });

/**
 * The manager's view of the clinic's messages: the week's counts, the latest messages (the
 * outbox, when mail does not leave the machine) and each one opened; and the settings of
 * when reminders and recalls go out.
 */
@Controller('c/:clinicSlug')
@UseGuards(ClinicAccessGuard)
@ClinicRoles('manager')
export class MessagesController {
  constructor(private readonly log: MessageLog) {}

  @Get('messages')
  @Render('message/index')
  async index() {
    const { week, recent } = await this.log.overview();
    return { title: 'Messages', week, recent, outbox: this.log.outboxMode };
  }

  @Get('messages/:id')
  @Render('message/show')
  async show(@Param('id') id: string) {
    const message = await this.log.get(id);
    return { title: message.subject ?? 'Message', message, outbox: this.log.outboxMode };
  }

  @Get('settings/messages')
  async settings(@Res() res: Response, @Query('saved') saved?: string) {
    res.render('message/settings', { values: await this.log.settings(), saved });
  }

  @Post('settings/messages')
  async saveSettings(@Res() res: Response, @Body() body: Record<string, string | undefined>) {
    try {
      await this.log.saveSettings(parseInput(MessageSettingsForm, body));
      res.redirect(303, `/c/${currentTenant().slug}/settings/messages?saved=1`);
    } catch (err) {
      const error = formErrors(err);
      res.status(error.status).render('message/settings', { values: formValues(body), error });
    }
  }
}
