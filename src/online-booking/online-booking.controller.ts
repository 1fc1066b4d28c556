import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { NotFoundError } from '../common/app-error.js';
import { parseInput } from '../common/validation.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { chooseLocale } from '../i18n/i18n.js';
import { AccessService } from '../tenant/access.service.js';
import type { TenantRef } from '../tenant/request-context.js';
import { OnlineBookingThrottle } from '../throttle/online-booking-throttle.js';
import { OnlineBookingThrottled } from '../throttle/throttle.errors.js';
import { formErrors, formValues } from '../web/form-errors.js';
import { Inject } from '@nestjs/common';
import { OnlineLinkInvalid } from './online-booking.errors.js';
import { BookingRequestForm, HONEYPOT_FIELD, SlotQuery } from './online-booking.forms.js';
import { OnlineBookingService } from './online-booking.service.js';
import { bookingPageViewModel, confirmViewModel } from './online-booking.view-model.js';
import { pageLocale } from '../web/page-locale.js';

type Clinic = Omit<TenantRef, 'role'>;
type Body = Record<string, unknown>;

/**
 * The owners' public booking page, `/book/<clinic>`: no sign-in and no session (forms carry
 * the anonymous CSRF token). A clinic that did not opt in is the same 404 as an unknown one.
 */
@Controller('book/:clinicSlug')
export class OnlineBookingController {
  constructor(
    private readonly access: AccessService,
    private readonly booking: OnlineBookingService,
    private readonly throttle: OnlineBookingThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async show(@Req() req: Request, @Res() res: Response, @Query() query: Body) {
    const clinic = await this.open(req, res, query.lang);
    const page = await this.booking.page(clinic.id, parseInput(SlotQuery, query));
    res.render('online-booking/book', this.viewModel(res, clinic, page, {}));
  }

  @Post()
  async request(@Req() req: Request, @Res() res: Response, @Body() body: Body) {
    const clinic = await this.open(req, res, body?.lang);
    const done = `/book/${clinic.slug}/requested?lang=${pageLocale(res)}`;
    // Software that fills every field gets the same answer as a person, and nothing happens.
    if (typeof body?.[HONEYPOT_FIELD] === 'string' && body[HONEYPOT_FIELD] !== '')
      return res.redirect(303, done);
    try {
      await this.throttle.request(req.ip ?? 'unknown', clinic.id);
      const form = parseInput(BookingRequestForm, body);
      await this.booking.request(clinic.id, form, pageLocale(res));
      res.redirect(303, done);
    } catch (err) {
      const error = formErrors(err);
      if (err instanceof OnlineBookingThrottled)
        res.setHeader('Retry-After', String(err.retryAfterSeconds));
      const page = await this.booking.page(
        clinic.id,
        parseInput(SlotQuery, { typeId: body?.typeId, staffId: body?.staffId, date: body?.date }),
      );
      const values = formValues(body);
      res
        .status(error.status)
        .render('online-booking/book', this.viewModel(res, clinic, page, { error, values }));
    }
  }

  @Get('requested')
  async requested(@Req() req: Request, @Res() res: Response, @Query('lang') lang?: string) {
    const clinic = await this.open(req, res, lang);
    res.render('online-booking/requested', {
      layout: 'layouts/public',
      title: clinic.name,
      holdMinutes: this.config.onlineBooking.holdMinutes,
    });
  }

  @Get('confirm/:token')
  async pending(
    @Req() req: Request,
    @Res() res: Response,
    @Param('token') token: string,
    @Query('lang') lang?: string,
  ) {
    const clinic = await this.open(req, res, lang);
    try {
      const booking = await this.booking.pending(clinic.id, token);
      res.render('online-booking/confirm', confirmViewModel(clinic, booking, { token }));
    } catch (err) {
      this.linkInvalid(res, err);
    }
  }

  @Post('confirm/:token')
  async confirm(
    @Req() req: Request,
    @Res() res: Response,
    @Param('token') token: string,
    @Body() body: Body,
  ) {
    const clinic = await this.open(req, res, body?.lang);
    try {
      const booking = await this.booking.confirm(clinic.id, token);
      res
        .status(200)
        .render(
          'online-booking/confirm',
          confirmViewModel(clinic, { ...booking, confirmed: true }, { token, justConfirmed: true }),
        );
    } catch (err) {
      this.linkInvalid(res, err);
    }
  }

  /** The clinic, if it takes online bookings; counts the page view against the address. */
  private async open(req: Request, res: Response, lang: unknown): Promise<Clinic> {
    const clinic = await this.access.onlineBookingClinic(String(req.params.clinicSlug ?? ''));
    if (!clinic) throw new NotFoundError('clinic');
    await this.throttle.page(req.ip ?? 'unknown');
    res.locals.locale = chooseLocale({
      user: typeof lang === 'string' ? lang : null,
      clinic: clinic.locale,
    });
    res.locals.clinic = { slug: clinic.slug, name: clinic.name, timeZone: clinic.timeZone };
    return clinic;
  }

  private linkInvalid(res: Response, err: unknown) {
    if (!(err instanceof OnlineLinkInvalid)) throw err;
    res.status(err.status).render('online-booking/link-invalid', { layout: 'layouts/public' });
  }

  private viewModel(
    res: Response,
    clinic: Clinic,
    page: Awaited<ReturnType<OnlineBookingService['page']>>,
    extra: Parameters<typeof bookingPageViewModel>[0]['form'],
  ) {
    return bookingPageViewModel({
      clinic,
      page,
      locale: pageLocale(res),
      holdMinutes: this.config.onlineBooking.holdMinutes,
      form: extra,
    });
  }
}
