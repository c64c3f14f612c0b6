import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

interface CommitLine {
  g: string;
  t: string;
  p: number;
  o: number | null;
  m?: string | null;
}

/**
 * Committed consumer-group offsets. With a data directory every commit is appended to
 * `offsets.log` (JSON lines) before it is acknowledged; the file is compacted at start-up.
 */
export class OffsetStore {
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();
  private fd: number | null = null;
  private readonly file: string | null;

  constructor(dataDir: string | null) {
    this.file = dataDir ? path.join(dataDir, 'offsets.log') : null;
    if (this.file) {
      this.load(this.file);
      this.compact(this.file);
      this.fd = fs.openSync(this.file, 'a');
    }
  }

  commit(group: string, topic: string, partition: number, offset: number, metadata: string | null): void {
    this.set(group, topic, partition, { offset, metadata });
    this.append([{ g: group, t: topic, p: partition, o: offset, m: metadata }]);
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(key(topic, partition));
  }

  /** Every committed offset of a group, as [topic, partition, offset]. */
  forGroup(group: string): { topic: string; partition: number; committed: CommittedOffset }[] {
    const out: { topic: string; partition: number; committed: CommittedOffset }[] = [];
    for (const [k, committed] of this.groups.get(group) ?? []) {
      const cut = k.lastIndexOf('\0');
      out.push({ topic: k.slice(0, cut), partition: Number(k.slice(cut + 1)), committed });
    }
    return out;
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  deleteTopic(topic: string): void {
    const removed: CommitLine[] = [];
    for (const [g, offsets] of this.groups) {
      for (const k of [...offsets.keys()]) {
        const cut = k.lastIndexOf('\0');
        if (k.slice(0, cut) !== topic) continue;
        offsets.delete(k);
        removed.push({ g, t: topic, p: Number(k.slice(cut + 1)), o: null });
      }
    }
    this.append(removed);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private set(group: string, topic: string, partition: number, value: CommittedOffset | null): void {
    let offsets = this.groups.get(group);
    if (!offsets) this.groups.set(group, (offsets = new Map()));
    if (value) offsets.set(key(topic, partition), value);
    else offsets.delete(key(topic, partition));
  }

  private append(lines: CommitLine[]): void {
    if (this.fd === null || lines.length === 0) return;
    fs.writeSync(this.fd, lines.map((l) => JSON.stringify(l) + '\n').join(''));
  }

  private load(file: string): void {
    if (!fs.existsSync(file)) return;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      let entry: CommitLine;
      try {
        entry = JSON.parse(line) as CommitLine;
      } catch {
        continue; // a torn final line from a crash
      }
      this.set(entry.g, entry.t, entry.p, entry.o === null ? null : { offset: entry.o, metadata: entry.m ?? null });
    }
  }

  private compact(file: string): void {
    const lines: string[] = [];
    for (const g of this.groups.keys()) {
      for (const { topic, partition, committed } of this.forGroup(g)) {
        lines.push(JSON.stringify({ g, t: topic, p: partition, o: committed.offset, m: committed.metadata }));
      }
    }
    fs.writeFileSync(`${file}.tmp`, lines.length ? lines.join('\n') + '\n' : '');
    fs.renameSync(`${file}.tmp`, file);
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}
