import { ServiceName } from './routing/route-table';

/** Base URL of each service (no trailing slash), as the gateway's Nest providers receive it. */
export const UPSTREAMS = Symbol('UPSTREAMS');
export type Upstreams = Record<ServiceName, string>;

/** GET a service's JSON, giving up after `timeoutMs`: one slow service must not stall the gateway's own answers. */
export async function fetchJson(url: string, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new Error(`${url} answered ${res.status} with a body that is not JSON`);
  }
  return { status: res.status, body };
}
