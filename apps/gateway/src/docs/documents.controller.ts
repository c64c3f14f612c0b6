import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { buildAsyncApi } from '@crm/contracts';
import { Public } from '@crm/platform';
import { OpenApiCatalog } from './openapi-catalog';

/** The two machine-readable contracts: REST (merged from every service) and events (from @crm/contracts). */
@ApiTags('gateway')
@Controller()
export class DocumentsController {
  private readonly asyncApi = buildAsyncApi();

  constructor(private readonly catalog: OpenApiCatalog) {}

  @Public()
  @Get('openapi.json')
  @ApiOperation({ summary: 'OpenAPI 3 document of the whole API', description: 'Merged from every reachable service; `x-unavailable-services` names the others.' })
  @ApiOkResponse({ description: 'An OpenAPI 3.0 document.', schema: { type: 'object' } })
  openApi() {
    return this.catalog.document();
  }

  @Public()
  @Get('asyncapi.json')
  @ApiOperation({ summary: 'AsyncAPI 3 document of every integration event' })
  @ApiOkResponse({ description: 'An AsyncAPI 3.0 document.', schema: { type: 'object' } })
  asyncapi() {
    return this.asyncApi;
  }
}
