import { ErrorCode } from '../protocol/error-codes';
import { Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';
import { RequestContext } from '../broker-state';

/** InitProducerId v0-1 for idempotent producers; transactional producers are refused. */
export function initProducerId(ctx: RequestContext, r: Reader): Writer {
  const transactionalId = r.nullableString();
  r.int32(); // transaction_timeout_ms
  const w = new Writer().int32(0);
  if (transactionalId !== null) return w.int16(ErrorCode.INVALID_REQUEST).int64(-1).int16(-1);
  return w.int16(ErrorCode.NONE).int64(ctx.broker.nextProducerId()).int16(0);
}
