import { z } from 'zod';
import { MAX_PAGE, positiveInt } from '../common/validation.js';

/** Query parameters shared by the list endpoints. */
export const ListQuery = z.object({
  q: z.string().max(100, { error: 'validation.tooLong' }).optional(),
  page: positiveInt('validation.invalid', MAX_PAGE).default(1),
  pageSize: z.coerce
    .number({ error: 'validation.invalid' })
    .int({ error: 'validation.invalid' })
    .min(1, { error: 'validation.invalid' })
    .max(100, { error: 'validation.invalid' })
    .default(25),
});

export const PetListQuery = ListQuery.extend({
  clientId: z.uuid({ error: 'validation.clientId' }).optional(),
});

/** A zod schema as an OpenAPI 3.0 schema object for @ApiBody / @ApiResponse. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
}
