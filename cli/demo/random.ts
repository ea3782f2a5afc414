/**
 * A small seeded PRNG (sfc32, seeded by a string hash) so the synthetic organisation is the same
 * on every machine and every Node version: Math.random cannot be seeded.
 */

const hashSeed = (text: string): [number, number, number, number] => {
  // cyrb128: four 32-bit lanes from one string, enough to seed sfc32 without correlated streams.
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
};

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const DASH = '-'.charCodeAt(0);
const FOUR = '4'.charCodeAt(0);
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A deterministic random stream. `fork` derives independent streams by name. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: string) {
    [this.a, this.b, this.c, this.d] = hashSeed(seed);
    // The first outputs of sfc32 still echo the seed; discard them.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** An independent stream for one purpose; the same name always gives the same stream. */
  fork(name: string | number): Rng {
    return new Rng(`${this.seed}/${name}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One item, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('cannot pick from an empty list');
    return item;
  }

  /** One item, by weight: entries are `[weight, item]`. */
  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of entries) total += w;
    let x = this.next() * total;
    for (const [w, item] of entries) {
      x -= w;
      if (x < 0) return item;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new RangeError('cannot pick from an empty weighted list');
    return last[1];
  }

  /** Normally distributed (Box-Muller). */
  normal(mean: number, sd: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normally distributed around `median`: the shape of request counts and object sizes. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  private chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** `n` lower-case hex digits. */
  hex(n: number): string {
    const codes = new Array<number>(n);
    this.hexInto(codes, 0, n);
    return String.fromCharCode(...codes);
  }

  /**
   * Writes hex digit codes into `codes`, eight per draw. Ids are drawn for every record, and a
   * string made in one piece is one heap object where concatenation leaves a tree of them.
   */
  private hexInto(codes: number[], from: number, to: number): void {
    for (let i = from; i < to; i += 8) {
      const x = this.nextU32();
      for (let j = 0; j < 8 && i + j < to; j++) codes[i + j] = HEX_CODES[(x >>> (28 - 4 * j)) & 15] as number;
    }
  }

  /** `n` upper-case letters and digits, the alphabet of IAM unique ids. */
  upperAlnum(n: number): string {
    return this.chars(UPPER_ALNUM, n);
  }

  /** `n` base32 characters, the alphabet of access key ids. */
  base32(n: number): string {
    return this.chars(BASE32, n);
  }

  /** A version 4 UUID, as CloudTrail writes eventIDs. */
  uuid(): string {
    const codes = new Array<number>(36);
    this.hexInto(codes, 0, 36);
    codes[8] = DASH;
    codes[13] = DASH;
    codes[18] = DASH;
    codes[23] = DASH;
    codes[14] = FOUR;
    codes[19] = HEX_CODES[8 + ((codes[19] as number) & 3)] as number;
    return String.fromCharCode(...codes);
  }
}
