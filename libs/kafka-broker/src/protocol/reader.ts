/** Thrown when a request is shorter than its own fields say, or otherwise malformed. */
export class MalformedRequestError extends Error {}

/** Cursor over a Kafka request body. Every read is bounds-checked. */
export class Reader {
  offset = 0;
  constructor(readonly buf: Buffer, offset = 0) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private take(n: number): number {
    if (n < 0 || this.offset + n > this.buf.length) throw new MalformedRequestError('truncated request');
    const at = this.offset;
    this.offset += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }
  int64(): bigint {
    return this.buf.readBigInt64BE(this.take(8));
  }
  /** int64 as a JS number; offsets and timestamps fit in 53 bits. */
  int64n(): number {
    return Number(this.int64());
  }

  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf[this.take(1)];
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
      shift += 7;
      if (shift > 28) throw new MalformedRequestError('varint too long');
    }
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new MalformedRequestError('null string where a string is required');
    return s;
  }
  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    const at = this.take(len);
    return this.buf.toString('utf8', at, at + len);
  }
  compactString(): string {
    const s = this.compactNullableString();
    if (s === null) throw new MalformedRequestError('null string where a string is required');
    return s;
  }
  compactNullableString(): string | null {
    const len = this.uvarint() - 1;
    if (len < 0) return null;
    const at = this.take(len);
    return this.buf.toString('utf8', at, at + len);
  }

  /** Bytes are returned as a view into the request buffer (no copy). */
  bytes(): Buffer {
    const b = this.nullableBytes();
    if (b === null) throw new MalformedRequestError('null bytes where bytes are required');
    return b;
  }
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    const at = this.take(len);
    return this.buf.subarray(at, at + len);
  }

  array<T>(item: (r: Reader) => T): T[] {
    const a = this.nullableArray(item);
    if (a === null) throw new MalformedRequestError('null array where an array is required');
    return a;
  }
  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const len = this.int32();
    if (len < 0) return null;
    if (len > this.remaining) throw new MalformedRequestError('array longer than the request');
    const out: T[] = [];
    for (let i = 0; i < len; i++) out.push(item(this));
    return out;
  }
  compactArray<T>(item: (r: Reader) => T): T[] {
    const len = this.uvarint() - 1;
    if (len < 0) return [];
    if (len > this.remaining) throw new MalformedRequestError('array longer than the request');
    const out: T[] = [];
    for (let i = 0; i < len; i++) out.push(item(this));
    return out;
  }

  /** Skips a tagged-field section; we understand no tags. */
  taggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.take(this.uvarint());
    }
  }
}
