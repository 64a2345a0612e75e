// Which line first used each upsert key, for a million keys in ~24 MB: open addressing over typed arrays
// (a Map of 1M entries costs twice that and gives the garbage collector a million objects to walk).

export class KeyLines {
  private keys: Float64Array;
  /** 0 marks an empty slot: line numbers start at 1. */
  private lines: Int32Array;
  private count = 0;

  constructor(capacity = 1 << 16) {
    this.keys = new Float64Array(capacity);
    this.lines = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The line that already has `key` (a 53-bit hash); otherwise records `line` for it and answers undefined. */
  firstOrSet(key: number, line: number): number | undefined {
    if (line < 1) {
      throw new RangeError('line numbers start at 1');
    }
    const mask = this.keys.length - 1;
    let slot = (key >>> 0) & mask;
    while (this.lines[slot] !== 0) {
      if (this.keys[slot] === key) {
        return this.lines[slot];
      }
      slot = (slot + 1) & mask;
    }
    this.keys[slot] = key;
    this.lines[slot] = line;
    this.count += 1;
    if (this.count * 2 > this.keys.length) {
      this.grow();
    }
    return undefined;
  }

  private grow(): void {
    const { keys, lines } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.lines = new Int32Array(lines.length * 2);
    this.count = 0;
    for (let i = 0; i < keys.length; i++) {
      if (lines[i] !== 0) {
        this.firstOrSet(keys[i]!, lines[i]!);
      }
    }
  }
}
