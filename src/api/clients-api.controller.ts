import { Body, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { Translator } from '../i18n/i18n.js';
import { ClientService } from '../pet/client.service.js';
import { ClientInput, ClientPatch } from '../pet/pet.inputs.js';
import { API_ERRORS, ApiPaging, ApiV1Controller } from './api-controller.js';
import { parseApiInput } from './api-input.js';
import { ListQuery, openApiSchema } from './api-schemas.js';

const NOT_FOUND = 'No such client in this clinic';

/** Clients of the token's clinic. */
@ApiV1Controller('clients')
export class ClientsApiController {
  constructor(
    private readonly clients: ClientService,
    private readonly translator: Translator,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List clients (paginated), optionally searched by name, phone or email',
  })
  @ApiQuery({ name: 'q', required: false, description: 'Search text (accents and case ignored)' })
  @ApiPaging()
  @ApiResponse({ status: 200, description: '`{ data: Client[], page, pageSize, total }`' })
  async list(@Query() query: unknown) {
    const { q, page, pageSize } = parseApiInput(this.translator, ListQuery, query);
    const { data, total } = await this.clients.page({ q, page, pageSize });
    return { data, page, pageSize, total };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A client with their pets' })
  @ApiResponse({ status: 404, description: NOT_FOUND })
  get(@Param('id') id: string) {
    return this.clients.get(id);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a client' })
  @ApiBody({ schema: openApiSchema(ClientInput) })
  @ApiResponse({ status: 201, description: 'The created client' })
  @ApiResponse({ status: 400, description: API_ERRORS[400] })
  create(@Body() body: unknown) {
    return this.clients.create(parseApiInput(this.translator, ClientInput, body));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some of a client’s fields (null clears an optional field)' })
  @ApiBody({ schema: openApiSchema(ClientPatch) })
  @ApiResponse({ status: 200, description: 'The updated client' })
  @ApiResponse({ status: 400, description: API_ERRORS[400] })
  @ApiResponse({ status: 404, description: NOT_FOUND })
  update(@Param('id') id: string, @Body() body: unknown) {
    return this.clients.update(id, parseApiInput(this.translator, ClientPatch, body));
  }
}
