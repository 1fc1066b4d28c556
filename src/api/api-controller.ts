import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiTokenGuard } from './api-token.guard.js';

/** The answers the API's documentation repeats. */
export const API_ERRORS = {
  400: 'Invalid input: `{ error: { code: "validation_failed", message, fields: { <field>: <message> } } }`',
  401: 'Missing, invalid or revoked token',
};

/**
 * What every `/api/v1/<resource>` controller is: tagged in the OpenAPI document, behind a
 * Bearer token (ApiTokenGuard puts the token's clinic in the request context).
 */
export function ApiV1Controller(resource: string) {
  return applyDecorators(
    ApiTags(resource),
    ApiBearerAuth(),
    ApiResponse({ status: 401, description: API_ERRORS[401] }),
    Controller(`api/v1/${resource}`),
    UseGuards(ApiTokenGuard),
  );
}

/** A list endpoint's paging parameters, documented once. */
export function ApiPaging() {
  return applyDecorators(
    ApiQuery({
      name: 'page',
      required: false,
      schema: { type: 'integer', minimum: 1, default: 1 },
    }),
    ApiQuery({
      name: 'pageSize',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
    }),
  );
}
