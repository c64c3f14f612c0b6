import { Socket } from 'node:net';
import { BrokerState } from './broker-state';
import { Reply, dispatch } from './dispatch';

/**
 * One client connection. Frames are size-prefixed; requests are handled strictly one after
 * another and answered in order, as a Kafka broker does. Anything malformed closes this
 * connection only.
 */
export class Connection {
  private queue: Buffer[] = [];
  private busy = false;
  private sizeBytes = Buffer.alloc(4);
  private sizeFilled = 0;
  private frame: Buffer | null = null;
  private frameFilled = 0;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly broker: BrokerState,
    private readonly maxRequestBytes: number,
    private readonly onError: (message: string) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => (this.closed = true));
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length && !this.closed) {
      if (!this.frame) {
        let size: number;
        if (this.sizeFilled === 0 && chunk.length - off >= 4) {
          size = chunk.readInt32BE(off);
          off += 4;
        } else {
          const n = Math.min(4 - this.sizeFilled, chunk.length - off);
          chunk.copy(this.sizeBytes, this.sizeFilled, off, off + n);
          this.sizeFilled += n;
          off += n;
          if (this.sizeFilled < 4) return;
          size = this.sizeBytes.readInt32BE(0);
        }
        this.sizeFilled = 0;
        if (size < 8 || size > this.maxRequestBytes) {
          this.onError(`closing connection from ${this.socket.remoteAddress}: frame size ${size}`);
          return this.close();
        }
        if (chunk.length - off >= size) {
          this.enqueue(chunk.subarray(off, off + size));
          off += size;
          continue;
        }
        this.frame = Buffer.allocUnsafe(size);
        this.frameFilled = 0;
      }
      const n = Math.min(this.frame.length - this.frameFilled, chunk.length - off);
      chunk.copy(this.frame, this.frameFilled, off, off + n);
      this.frameFilled += n;
      off += n;
      if (this.frameFilled === this.frame.length) {
        this.enqueue(this.frame);
        this.frame = null;
      }
    }
  }

  private enqueue(frame: Buffer): void {
    this.queue.push(frame);
    if (!this.busy) this.drain();
  }

  /** Handles queued frames in order; synchronous handlers run without an await in between. */
  private drain(): void {
    this.busy = true;
    while (this.queue.length > 0 && !this.closed) {
      const frame = this.queue.shift()!;
      let out: Reply | null | Promise<Reply | null>;
      try {
        out = dispatch(this.broker, frame, this.socket.remoteAddress ?? '');
      } catch (err) {
        return this.fail(err);
      }
      if (out instanceof Promise) {
        out.then(
          (reply) => {
            this.send(reply);
            this.drain();
          },
          (err) => this.fail(err),
        );
        return;
      }
      this.send(out);
    }
    this.busy = false;
  }

  private fail(err: unknown): void {
    this.busy = false;
    this.onError(`closing connection from ${this.socket.remoteAddress}: ${(err as Error).message}`);
    this.close();
  }

  private send(reply: Reply | null): void {
    if (!reply || this.closed) return;
    const chunks = reply.body.finish();
    const header = Buffer.allocUnsafe(8);
    header.writeInt32BE(4 + chunks.reduce((n, c) => n + c.length, 0), 0);
    header.writeInt32BE(reply.correlationId, 4);
    this.socket.cork();
    this.socket.write(header);
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }
}
