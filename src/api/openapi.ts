import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI for /api/v1 at /api/docs (UI) and /api/docs/openapi.json; pages are left out. */
export function setUpOpenApi(app: INestApplication) {
  const config = new DocumentBuilder()
    .setTitle('Vetlane API')
    .setDescription(
      'JSON API of one clinic. Authenticate with `Authorization: Bearer <token>` (a clinic ' +
        'manager creates tokens under Settings → API tokens). Errors are ' +
        '`{ "error": { "code", "message", "fields"? } }` with status 400, 401, 404 or 409.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) =>
      `${controller.replace(/ApiController$/, '')}_${method}`,
  });
  document.paths = Object.fromEntries(
    Object.entries(document.paths).filter(([path]) => path.startsWith('/api/')),
  );
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs/openapi.json',
    yamlDocumentUrl: 'api/docs/openapi.yaml',
  });
}
