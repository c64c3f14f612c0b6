import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import { FastifyInstance } from 'fastify';

const HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>CRM API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: '/openapi.json',
      dom_id: '#swagger-ui',
      deepLinking: true,
      persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout',
    });
  </script>
</body>
</html>
`;

/** Swagger UI at `/docs`, on the merged `/openapi.json`; its assets come from swagger-ui-dist (shipped with @nestjs/swagger). */
export async function registerSwaggerUi(fastify: FastifyInstance): Promise<void> {
  const root = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  await fastify.register(fastifyStatic, { root, prefix: '/docs/', decorateReply: false, index: false, list: false, wildcard: false });
  fastify.get('/docs', (_req, reply) => reply.type('text/html; charset=utf-8').send(HTML));
}
