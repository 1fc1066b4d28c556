import type { Response } from 'express';
import { isLocale, type Locale } from '../i18n/i18n.js';

/** The page's language, as the request pipeline or the clinic guard chose it (English if neither ran). */
export function pageLocale(res: Response): Locale {
  return isLocale(res.locals.locale) ? res.locals.locale : 'en';
}
