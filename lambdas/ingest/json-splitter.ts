/**
 * Cuts a stream of JSON bytes into units that are parsed one at a time, so memory holds one
 * unit (a record, a line, a small top-level value), never the file.
 *
 * Why not JSON.parse the whole file: log files and exports run to hundreds of MB, and the scorer's
 * memory must not grow with its input. Why not a token-by-token streaming parser: in JavaScript
 * they run an order of magnitude slower than V8's JSON.parse. Finding where an element ends only
 * needs bracket counting outside strings, and strings are skipped by looking for their closing
 * quote alone (a native byte search for long ones); V8 then parses each element.
 *
 * Shapes, decided by the input itself:
 * - a top-level array, or an object with a `"Records"` array (elements after that key stream, the
 *   other keys are skipped): each element is a unit labelled `record N` (0-based) when the
 *   container is the first value of the input, `line L, record N` for a later one;
 * - JSON Lines, recognised when the first value ends on the line it starts on: from the next line
 *   on, each non-blank line is a unit labelled `line N` (1-based); a broken line costs that line only;
 * - otherwise (values pretty-printed one after another, first line just `{`): each top-level
 *   value is a unit labelled `line N` of where it starts.
 * Brackets are counted without telling `{` from `[`; a mismatch makes the element fail to parse,
 * which is reported for that element only.
 */

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_SQUARE = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_SQUARE = 0x5d;
const OPEN_CURLY = 0x7b;
const CLOSE_CURLY = 0x7d;
const BOM = [0xef, 0xbb, 0xbf];
const RECORDS_KEY = [0x52, 0x65, 0x63, 0x6f, 0x72, 0x64, 0x73];

/** Between values at the very start (a UTF-8 BOM is allowed here). */
const START = 0;
/** Between top-level values. */
const TOP = 1;
/** Inside a top-level object that may still turn out to hold a `Records` array. */
const VALUE = 2;
/** Inside an array whose elements are units. */
const CONTAINER = 3;
/** After a `Records` array, up to the end of the object that held it. */
const TAIL = 4;
/** JSON Lines: every line is a unit. */
const LINES = 5;
/** Skipping the rest of a line after text that is not JSON. */
const SKIP_LINE = 6;
/** The input is not JSON; everything else is ignored. */
const DEAD = 7;

const OBJECT_ELEMENT = 0;
const STRING_ELEMENT = 1;
const SCALAR_ELEMENT = 2;

/** Bytes of a string scanned in JavaScript before handing the search to Buffer#indexOf. */
const QUICK_SCAN_BYTES = 32;

/** The largest unit the splitter holds by default (a CloudTrail record is at most a few hundred KB). */
export const DEFAULT_MAX_UNIT_BYTES = 64 * 1024 * 1024;

/**
 * What the splitter cuts out. `element`: an element of an array, one record. `value`: a whole
 * top-level value or line, which may itself be a record, an envelope or a container.
 */
export type SplitPiece =
  | { readonly kind: 'element'; readonly text: string; readonly position: string }
  | { readonly kind: 'value'; readonly text: string; readonly position: string }
  | { readonly kind: 'error'; readonly position: string; readonly message: string };

/** Splitter limits. */
export interface SplitterOptions {
  /** @default 64 MiB - a longer element or line is reported as an error and skipped, never buffered */
  readonly maxUnitBytes?: number;
}

const isSpace = (c: number | undefined): boolean => c === SPACE || c === LF || c === CR || c === TAB;

/** Names a byte for a message, the same however the input was chunked. */
const describeByte = (c: number): string =>
  c >= 0x20 && c < 0x7f ? JSON.stringify(String.fromCharCode(c)) : `byte 0x${c.toString(16).padStart(2, '0')}`;

/**
 * Incremental splitter: `push` each chunk as it arrives, then `end` once. Pieces are appended to
 * the array passed in, in input order.
 */
export class JsonSplitter {
  private readonly maxUnitBytes: number;
  private mode = START;
  /** Open brackets in the current top-level value. */
  private depth = 0;
  private inString = false;
  /** The chunk ended inside a string after an odd run of backslashes: the next byte is escaped. */
  private escapeCarry = false;
  /** Line of the scan cursor, counted on newlines outside strings (JSON forbids them inside). */
  private line = 1;
  /** Bytes pushed before the current chunk. */
  private offset = 0;
  private lineMode = false;
  private decided = false;
  private values = 0;
  private content = false;

  private collecting = false;
  /** Start of the unit in the current chunk; -1 when it started in an earlier one (kept in `parts`). */
  private unitStart = -1;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private oversized = false;

  private valueLine = 1;
  private expectKey = false;
  /** Bytes of `Records` matched so far in the current key, -1 when it cannot match. */
  private keyMatch = -1;
  /** 1: the last key was `Records`; 2: and its colon was seen. */
  private recordsKey = 0;
  /** Nothing but whitespace since the value's opening brace: a pretty-printed first line. */
  private openOnly = true;
  private escape = false;

  private containerDepth = 0;
  private inObject = false;
  private label = '';
  private index = 0;
  private inElement = false;
  private elementKind = OBJECT_ELEMENT;

  constructor(options: SplitterOptions = {}) {
    const max = options.maxUnitBytes ?? DEFAULT_MAX_UNIT_BYTES;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`maxUnitBytes must be a positive integer, got ${max}`);
    }
    this.maxUnitBytes = max;
  }

  /** True once any byte other than whitespace or a BOM was seen. */
  get sawContent(): boolean {
    return this.content;
  }

  /** Splits one more chunk. */
  push(chunk: Buffer, out: SplitPiece[]): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      switch (this.mode) {
        case START:
        case TOP:
          i = this.top(chunk, i, n, out);
          break;
        case VALUE:
          i = this.value(chunk, i, n, out);
          break;
        case CONTAINER:
          i = this.container(chunk, i, n, out);
          break;
        case TAIL:
          i = this.tail(chunk, i, n, out);
          break;
        case LINES:
          i = this.lines(chunk, i, n, out);
          break;
        case SKIP_LINE:
          i = this.skipLine(chunk, i, n);
          break;
        default:
          i = n;
      }
    }
    this.stash(chunk, n);
    this.offset += n;
  }

  /**
   * Ends the input. `readError` says why reading stopped early (a cut gzip stream): the unit in
   * progress is then reported once, with that reason.
   */
  end(out: SplitPiece[], readError?: string): void {
    const why = readError === undefined ? ' (truncated file?)' : `: ${readError}`;
    const at = (position: string, message: string): void => {
      out.push({ kind: 'error', position, message });
    };
    switch (this.mode) {
      case VALUE:
        at(`line ${this.valueLine}`, `the input ended inside this JSON value${why}`);
        break;
      case CONTAINER:
        if (this.inElement) at(`${this.label}record ${this.index}`, `the input ended inside this record${why}`);
        else at(`${this.label}record ${this.index}`, `the input ended before the end of the array${why}`);
        break;
      case TAIL:
        at(`line ${this.valueLine}`, `the input ended before the end of the object holding "Records"${why}`);
        break;
      case LINES:
        if (this.collecting) {
          const position = `line ${this.line}`;
          if (readError !== undefined) at(position, `the input ended inside this line: ${readError}`);
          else if (this.oversized) at(position, this.tooLong('line'));
          else {
            const text = this.takeUnit(Buffer.alloc(0), 0);
            if (text !== null && !isBlank(text)) out.push({ kind: 'value', text, position });
          }
          break;
        }
        if (readError !== undefined) at(`line ${this.line}`, `could not read the rest of the input: ${readError}`);
        break;
      default:
        if (readError !== undefined) at(`line ${this.line}`, `could not read the rest of the input: ${readError}`);
    }
    this.mode = DEAD;
    this.endUnit();
  }

  private top(b: Buffer, i: number, n: number, out: SplitPiece[]): number {
    while (i < n) {
      const c = b[i] as number;
      if (c === LF) {
        this.line++;
        i++;
        if (this.lineMode) {
          this.mode = LINES;
          return i;
        }
        continue;
      }
      if (c === SPACE || c === CR || c === TAB) {
        i++;
        continue;
      }
      if (this.mode === START && this.offset + i < 3 && c === BOM[this.offset + i]) {
        i++;
        continue;
      }
      this.content = true;
      if (c === OPEN_CURLY) {
        this.beginValue(i);
        return i + 1;
      }
      if (c === OPEN_SQUARE) {
        this.values++;
        this.valueLine = this.line;
        this.beginContainer(1, false);
        return i + 1;
      }
      return this.garbage(b, i, n, out);
    }
    return i;
  }

  private garbage(b: Buffer, i: number, n: number, out: SplitPiece[]): number {
    const c = b[i] as number;
    const position = `line ${this.line}`;
    if (this.mode === START) {
      out.push({ kind: 'error', position, message: describeNotJson(c, this.offset + i) });
      this.mode = DEAD;
      return n;
    }
    out.push({ kind: 'error', position, message: `expected a JSON value, found ${describeByte(c)}` });
    this.mode = SKIP_LINE;
    return i;
  }

  private skipLine(b: Buffer, i: number, n: number): number {
    const nl = b.indexOf(LF, i);
    if (nl < 0) return n;
    this.line++;
    this.mode = this.lineMode ? LINES : TOP;
    return nl + 1;
  }

  private beginValue(i: number): void {
    this.mode = VALUE;
    this.values++;
    this.depth = 1;
    this.valueLine = this.line;
    this.expectKey = true;
    this.keyMatch = -1;
    this.recordsKey = 0;
    this.openOnly = true;
    this.inString = false;
    this.escape = false;
    this.beginUnit(i);
  }

  private beginContainer(depth: number, inObject: boolean): void {
    this.mode = CONTAINER;
    this.depth = depth;
    this.containerDepth = depth;
    this.inObject = inObject;
    this.label = this.values === 1 ? '' : `line ${this.valueLine}, `;
    this.index = 0;
    this.inElement = false;
    this.inString = false;
    this.escapeCarry = false;
  }

  /** A top-level object, byte by byte: it is small, or it turns into a `Records` container early. */
  private value(b: Buffer, i: number, n: number, out: SplitPiece[]): number {
    let depth = this.depth;
    while (i < n) {
      const c = b[i] as number;
      if (this.inString) {
        if (c === LF && (this.lineMode || !this.decided)) {
          this.depth = depth;
          return this.brokenLine(b, i, out);
        }
        if (this.escape) {
          this.escape = false;
          this.keyMatch = -1;
        } else if (c === BACKSLASH) {
          this.escape = true;
          this.keyMatch = -1;
        } else if (c === QUOTE) {
          this.inString = false;
          if (this.keyMatch === RECORDS_KEY.length) this.recordsKey = 1;
          this.keyMatch = -1;
        } else if (this.keyMatch >= 0) {
          this.keyMatch = c === RECORDS_KEY[this.keyMatch] ? this.keyMatch + 1 : -1;
        }
        i++;
        continue;
      }
      if (c === SPACE || c === CR || c === TAB) {
        i++;
        continue;
      }
      if (c === LF) {
        if (this.lineMode || (!this.decided && !this.openOnly)) {
          this.depth = depth;
          return this.brokenLine(b, i, out);
        }
        this.decided = true;
        this.line++;
        i++;
        continue;
      }
      this.openOnly = false;
      if (c === QUOTE) {
        this.inString = true;
        this.keyMatch = depth === 1 && this.expectKey ? 0 : -1;
        this.expectKey = false;
        this.recordsKey = 0;
      } else if (c === COLON) {
        this.recordsKey = this.recordsKey === 1 ? 2 : 0;
      } else if (c === OPEN_SQUARE) {
        if (this.recordsKey === 2 && depth === 1) {
          this.endUnit();
          this.beginContainer(2, true);
          return i + 1;
        }
        depth++;
        this.recordsKey = 0;
      } else if (c === OPEN_CURLY) {
        depth++;
        this.recordsKey = 0;
      } else if (c === COMMA) {
        if (depth === 1) this.expectKey = true;
        this.recordsKey = 0;
      } else if (c === CLOSE_CURLY || c === CLOSE_SQUARE) {
        depth--;
        this.recordsKey = 0;
        if (depth === 0) {
          this.depth = 0;
          const position = `line ${this.valueLine}`;
          const text = this.takeUnit(b, i + 1);
          out.push(
            text === null
              ? { kind: 'error', position, message: this.tooLong('value') }
              : { kind: 'value', text, position },
          );
          return this.afterValue(i + 1);
        }
      } else {
        this.recordsKey = 0;
      }
      i++;
    }
    this.depth = depth;
    return i;
  }

  /**
   * A newline inside the current value where values must fit on one line (JSON Lines): the
   * value is handed on as it is, so JSON.parse names what is wrong with it; then lines begin.
   */
  private brokenLine(b: Buffer, i: number, out: SplitPiece[]): number {
    const position = `line ${this.valueLine}`;
    const text = this.takeUnit(b, i);
    out.push(
      text === null ? { kind: 'error', position, message: this.tooLong('line') } : { kind: 'value', text, position },
    );
    return this.startLines(i);
  }

  private startLines(lf: number): number {
    this.decided = true;
    this.lineMode = true;
    this.mode = LINES;
    this.depth = 0;
    this.inString = false;
    this.escapeCarry = false;
    this.line++;
    return lf + 1;
  }

  private afterValue(i: number): number {
    if (!this.decided) {
      this.decided = true;
      this.lineMode = this.line === this.valueLine;
    }
    this.mode = TOP;
    return i;
  }

  /** The hot path: elements of an array, found by bracket counting with strings skipped whole. */
  private container(b: Buffer, i: number, n: number, out: SplitPiece[]): number {
    const base = this.containerDepth;
    while (i < n) {
      if (!this.inElement) {
        const c = b[i] as number;
        if (c === SPACE || c === COMMA || c === CR || c === TAB) {
          i++;
          continue;
        }
        if (c === LF) {
          if (this.lineMode) return this.brokenContainer(i, out, 'the line ended before the end of the array');
          this.line++;
          i++;
          continue;
        }
        if (c === CLOSE_SQUARE || c === CLOSE_CURLY) {
          this.depth = base - 1;
          if (this.inObject) {
            this.mode = TAIL;
            return i + 1;
          }
          return this.afterValue(i + 1);
        }
        this.inElement = true;
        this.beginUnit(i);
        i++;
        if (c === OPEN_CURLY || c === OPEN_SQUARE) {
          this.elementKind = OBJECT_ELEMENT;
          this.depth = base + 1;
        } else if (c === QUOTE) {
          this.elementKind = STRING_ELEMENT;
          this.inString = true;
        } else {
          this.elementKind = SCALAR_ELEMENT;
        }
        continue;
      }
      if (this.elementKind === SCALAR_ELEMENT) {
        while (i < n) {
          const c = b[i];
          if (c === COMMA || c === CLOSE_SQUARE || c === CLOSE_CURLY || c === OPEN_CURLY || c === OPEN_SQUARE) break;
          if (c === QUOTE || isSpace(c)) break;
          i++;
        }
        if (i < n) this.finishElement(b, i, out);
        continue;
      }
      if (this.inString) {
        const j = this.closingQuote(b, i, n);
        if (j < 0) return n;
        this.inString = false;
        i = j + 1;
        if (this.elementKind === STRING_ELEMENT) this.finishElement(b, i, out);
        continue;
      }
      let depth = this.depth;
      while (i < n) {
        const c = b[i];
        if (c === QUOTE) {
          const j = this.closingQuote(b, i + 1, n);
          if (j < 0) {
            this.inString = true;
            i = n;
            break;
          }
          i = j + 1;
          continue;
        }
        if (c === OPEN_CURLY || c === OPEN_SQUARE) depth++;
        else if (c === CLOSE_CURLY || c === CLOSE_SQUARE) {
          if (--depth === base) {
            i++;
            break;
          }
        } else if (c === LF) {
          if (this.lineMode) {
            this.depth = depth;
            return this.brokenContainer(i, out, 'the line ended inside this record');
          }
          this.line++;
        }
        i++;
      }
      this.depth = depth;
      if (depth === base) this.finishElement(b, i, out);
    }
    return i;
  }

  private brokenContainer(lf: number, out: SplitPiece[], message: string): number {
    out.push({ kind: 'error', position: `${this.label}record ${this.index}`, message });
    this.inElement = false;
    this.endUnit();
    return this.startLines(lf);
  }

  private finishElement(b: Buffer, end: number, out: SplitPiece[]): void {
    const position = `${this.label}record ${this.index}`;
    this.index++;
    this.inElement = false;
    const text = this.takeUnit(b, end);
    out.push(
      text === null
        ? { kind: 'error', position, message: this.tooLong('record') }
        : { kind: 'element', text, position },
    );
  }

  /**
   * Index of the quote that closes the string being scanned from `from`, or -1 when the string
   * runs past this chunk. `from` is never inside an escape; `escapeCarry` says the previous chunk
   * ended on a backslash whose escaped byte is the first of this one.
   */
  private closingQuote(b: Buffer, from: number, n: number): number {
    let i = from;
    if (this.escapeCarry) {
      this.escapeCarry = false;
      i++;
    }
    // Most strings are short: a plain loop beats a native call on them.
    const quick = Math.min(n, i + QUICK_SCAN_BYTES);
    while (i < quick) {
      const c = b[i];
      if (c === QUOTE) return i;
      i += c === BACKSLASH ? 2 : 1;
    }
    for (;;) {
      if (i >= n) {
        this.escapeCarry = i > n;
        return -1;
      }
      const j = b.indexOf(QUOTE, i);
      // Position i is never inside an escape, so the backslashes between i and a quote decide it.
      let k = (j < 0 ? n : j) - 1;
      while (k >= i && b[k] === BACKSLASH) k--;
      const odd = ((j < 0 ? n : j) - 1 - k) % 2 === 1;
      if (j < 0) {
        this.escapeCarry = odd;
        return -1;
      }
      if (!odd) return j;
      i = j + 1;
    }
  }

  /** Skips what follows a `Records` array up to the end of its object. */
  private tail(b: Buffer, i: number, n: number, out: SplitPiece[]): number {
    if (this.inString) {
      const j = this.closingQuote(b, i, n);
      if (j < 0) return n;
      this.inString = false;
      i = j + 1;
    }
    let depth = this.depth;
    while (i < n) {
      const c = b[i];
      if (c === QUOTE) {
        const j = this.closingQuote(b, i + 1, n);
        if (j < 0) {
          this.inString = true;
          return n;
        }
        i = j + 1;
        continue;
      }
      if (c === OPEN_CURLY || c === OPEN_SQUARE) depth++;
      else if (c === CLOSE_CURLY || c === CLOSE_SQUARE) {
        if (--depth === 0) {
          this.depth = 0;
          return this.afterValue(i + 1);
        }
      } else if (c === LF) {
        if (this.lineMode) {
          out.push({
            kind: 'error',
            position: `line ${this.valueLine}`,
            message: 'the line ended before the end of the object holding "Records"',
          });
          return this.startLines(i);
        }
        this.line++;
      }
      i++;
    }
    this.depth = depth;
    return i;
  }

  /** JSON Lines: a native search for each newline, no scanning in between. */
  private lines(b: Buffer, i: number, n: number, out: SplitPiece[]): number {
    while (i < n) {
      if (!this.collecting) this.beginUnit(i);
      const nl = b.indexOf(LF, i);
      if (nl < 0) return n;
      const position = `line ${this.line}`;
      this.line++;
      const text = this.takeUnit(b, nl);
      if (text === null) out.push({ kind: 'error', position, message: this.tooLong('line') });
      else if (!isBlank(text)) out.push({ kind: 'value', text, position });
      i = nl + 1;
    }
    return i;
  }

  private beginUnit(i: number): void {
    this.collecting = true;
    this.unitStart = i;
  }

  /** Keeps the part of the unit in progress that lies in this chunk; past the limit, drops it. */
  private stash(b: Buffer, n: number): void {
    if (!this.collecting) return;
    const from = Math.max(this.unitStart, 0);
    this.unitStart = -1;
    if (this.oversized || from >= n) return;
    this.parts.push(b.subarray(from, n));
    this.partsBytes += n - from;
    if (this.partsBytes > this.maxUnitBytes) {
      this.oversized = true;
      this.parts = [];
      this.partsBytes = 0;
    }
  }

  /** The unit's text up to `end` in the current chunk, or null when it was over the limit. */
  private takeUnit(b: Buffer, end: number): string | null {
    const from = Math.max(this.unitStart, 0);
    let text: string | null = null;
    if (!this.oversized && this.partsBytes + end - from <= this.maxUnitBytes) {
      if (this.parts.length === 0) text = b.toString('utf8', from, end);
      else {
        this.parts.push(b.subarray(from, end));
        text = Buffer.concat(this.parts, this.partsBytes + end - from).toString('utf8');
      }
    }
    this.endUnit();
    return text;
  }

  private endUnit(): void {
    this.collecting = false;
    this.unitStart = -1;
    if (this.parts.length > 0) this.parts = [];
    this.partsBytes = 0;
    this.oversized = false;
  }

  private tooLong(what: string): string {
    return `the ${what} is longer than ${formatBytes(this.maxUnitBytes)}; skipped`;
  }
}

const isBlank = (text: string): boolean => {
  const c = text.charCodeAt(0);
  return c !== OPEN_CURLY && c !== OPEN_SQUARE && text.trim() === '';
};

const formatBytes = (bytes: number): string =>
  bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;

/** Why an input that does not start like JSON was refused, from its first byte. */
const describeNotJson = (c: number, offset: number): string => {
  if (offset === 0 && (c === 0xff || c === 0xfe)) return 'not JSON: the input starts like UTF-16 text; expected UTF-8';
  return `not JSON: expected { or [ at the start, found ${describeByte(c)}`;
};
