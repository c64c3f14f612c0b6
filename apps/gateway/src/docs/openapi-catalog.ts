import { Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICES, ServiceName } from '../routing/route-table';
import { UPSTREAMS, Upstreams, fetchJson } from '../upstreams';
import { OpenApiDocument, mergeOpenApi } from './openapi-merge';

const FETCH_TIMEOUT_MS = 3000;
/** A service's document is fetched again after this long, so a redeployed service's new paths appear. */
const FRESH_FOR_MS = 60_000;

/**
 * The merged OpenAPI document, cached: services that were unreachable at the previous fetch (or
 * whose document is older than a minute) are fetched again on the next request; concurrent
 * requests share one refresh.
 */
@Injectable()
export class OpenApiCatalog {
  private readonly logger = new Logger('OpenApiCatalog');
  private readonly fetched = new Map<ServiceName, { document: OpenApiDocument; at: number }>();
  private own: OpenApiDocument = { openapi: '3.0.3', info: { title: 'gateway', version: '1.0.0' }, paths: {} };
  private merged?: OpenApiDocument;
  private refreshing?: Promise<OpenApiDocument>;

  constructor(@Inject(UPSTREAMS) private readonly upstreams: Upstreams) {}

  /** The gateway's own operations (health, documents), built from its controllers at boot. */
  setGatewayDocument(document: OpenApiDocument): void {
    this.own = document;
    this.merged = undefined;
  }

  async document(): Promise<OpenApiDocument> {
    const stale = SERVICES.filter((s) => !this.fetched.has(s) || Date.now() - this.fetched.get(s)!.at > FRESH_FOR_MS);
    if (this.merged && !stale.length) return this.merged;
    this.refreshing ??= this.refresh(stale).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refresh(services: ServiceName[]): Promise<OpenApiDocument> {
    await Promise.all(
      services.map(async (service) => {
        const url = `${this.upstreams[service]}/openapi.json`;
        try {
          const { status, body } = await fetchJson(url, FETCH_TIMEOUT_MS);
          const doc = body as OpenApiDocument | undefined;
          if (status !== 200 || !doc || typeof doc.openapi !== 'string' || typeof doc.paths !== 'object') throw new Error(`answered ${status} without an OpenAPI document`);
          this.fetched.set(service, { document: doc, at: Date.now() });
        } catch (err) {
          this.fetched.delete(service);
          this.logger.warn(`${service}: no OpenAPI document from ${url}: ${(err as Error).message}`);
        }
      }),
    );
    const unavailable = SERVICES.filter((s) => !this.fetched.has(s));
    this.merged = mergeOpenApi(
      [{ source: 'gateway', document: this.own }, ...SERVICES.filter((s) => this.fetched.has(s)).map((s) => ({ source: s, document: this.fetched.get(s)!.document }))],
      unavailable,
    );
    return this.merged;
  }
}
