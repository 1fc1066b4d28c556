import { Body, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { Translator } from '../i18n/i18n.js';
import { ApiPetInput, PetPatch } from '../pet/pet.inputs.js';
import { PetService } from '../pet/pet.service.js';
import { API_ERRORS, ApiPaging, ApiV1Controller } from './api-controller.js';
import { parseApiInput } from './api-input.js';
import { openApiSchema, PetListQuery } from './api-schemas.js';

const ERRORS = {
  404: 'No such pet (or client) in this clinic',
  409: 'Microchip already used by another pet of this clinic: `{ error: { code: "microchip_taken", fields: { microchip } } }`',
};

/** Pets of the token's clinic. */
@ApiV1Controller('pets')
export class PetsApiController {
  constructor(
    private readonly pets: PetService,
    private readonly translator: Translator,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List pets (paginated), optionally of one client or searched by name or microchip',
  })
  @ApiQuery({ name: 'q', required: false })
  @ApiQuery({ name: 'clientId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiPaging()
  @ApiResponse({ status: 200, description: '`{ data: Pet[], page, pageSize, total }`' })
  async list(@Query() query: unknown) {
    const opts = parseApiInput(this.translator, PetListQuery, query);
    const { data, total } = await this.pets.page(opts);
    return { data, page: opts.page, pageSize: opts.pageSize, total };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A pet with its owner' })
  @ApiResponse({ status: 404, description: ERRORS[404] })
  get(@Param('id') id: string) {
    return this.pets.get(id);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a pet for a client' })
  @ApiBody({ schema: openApiSchema(ApiPetInput) })
  @ApiResponse({ status: 201, description: 'The created pet' })
  @ApiResponse({ status: 400, description: API_ERRORS[400] })
  @ApiResponse({ status: 404, description: ERRORS[404] })
  @ApiResponse({ status: 409, description: ERRORS[409] })
  create(@Body() body: unknown) {
    const { clientId, ...input } = parseApiInput(this.translator, ApiPetInput, body);
    return this.pets.create(clientId, input);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some of a pet’s fields (null clears an optional field)' })
  @ApiBody({ schema: openApiSchema(PetPatch) })
  @ApiResponse({ status: 200, description: 'The updated pet' })
  @ApiResponse({ status: 400, description: API_ERRORS[400] })
  @ApiResponse({ status: 404, description: ERRORS[404] })
  @ApiResponse({ status: 409, description: ERRORS[409] })
  update(@Param('id') id: string, @Body() body: unknown) {
    return this.pets.update(id, parseApiInput(this.translator, PetPatch, body));
  }
}
