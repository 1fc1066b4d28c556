import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';

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
  // Swagger UI sets inline style attributes; allow them on the docs page only (no scripts).
  app.use('/api/docs', (_req: Request, res: Response, next: NextFunction) => {
    const csp = res.getHeader('Content-Security-Policy');
    if (typeof csp === 'string')
      res.setHeader(
        'Content-Security-Policy',
        csp.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
      );
    next();
  });
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs/openapi.json',
    yamlDocumentUrl: 'api/docs/openapi.yaml',
  });
}
