import { SUPPORTED_APIS } from '../protocol/api-keys';
import { ErrorCode } from '../protocol/error-codes';
import { Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';
import { RequestContext } from '../broker-state';

export function apiVersions(ctx: RequestContext, r: Reader): Writer {
  if (ctx.apiVersion >= 3) {
    r.compactString(); // client_software_name
    r.compactString(); // client_software_version
    r.taggedFields();
  }
  return apiVersionsResponse(ctx.apiVersion, ErrorCode.NONE);
}

/**
 * The answer to an ApiVersions request we cannot parse (a newer version than ours): v0 format with
 * UNSUPPORTED_VERSION, so the client retries with a version from the list.
 */
export function apiVersionsFallback(): Writer {
  return apiVersionsResponse(0, ErrorCode.UNSUPPORTED_VERSION);
}

function apiVersionsResponse(version: number, errorCode: number): Writer {
  const w = new Writer().int16(errorCode);
  const apis = [...SUPPORTED_APIS].sort((a, b) => a[0] - b[0]);
  if (version >= 3) {
    w.compactArray(apis, (w, [key, v]) => w.int16(key).int16(v.min).int16(v.max).emptyTaggedFields());
    w.int32(0).emptyTaggedFields();
  } else {
    w.array(apis, (w, [key, v]) => w.int16(key).int16(v.min).int16(v.max));
    if (version >= 1) w.int32(0);
  }
  return w;
}
