import { z } from 'zod';

/** Naming a new API token; messages are catalog keys. */
export const TokenNameForm = z.object({
  name: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: 'validation.tokenName' })
      .min(1, { error: 'validation.tokenName' })
      .max(100, { error: 'validation.tokenName' }),
  ),
});
