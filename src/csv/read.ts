/**
 * The streaming reader: bytes in, events out, in bounded memory. The registration engine
 * iterates it to stage rows as they come; `checkCsv` collects it into a report.
 *
 * ```ts
 * for await (const event of readDeviceCsv(fs.createReadStream(path))) {
 *   if (event.kind === 'record' && event.record.importable) stage(event.record);
 *   if (event.kind === 'end' && !event.summary.ok) discardStaged();
 * }
 * ```
 * @module
 */
import { csvIssue } from './diagnostics.js';
import { detectDialect } from './dialect.js';
import {
  detectEncoding,
  ENCODING_SNIFF_BYTES,
  TextChunkDecoder,
  type EncodingGuess,
} from './encoding.js';
import { Intake, type IntakeOptions } from './intake.js';
import { recognisedHeaderCells } from './layouts.js';
import type { CsvEvent, CsvSource } from './model.js';
import { RowTokenizer, type RawRow } from './tokenizer.js';

/** Options of `readDeviceCsv`. */
export type ReadOptions = IntakeOptions;

/** Text gathered before choosing the delimiter: enough for any header line. */
const DIALECT_SNIFF_CHARS = 65_536;

/** Smallest piece of text handed to the tokenizer (except the last). */
const TOKENIZE_CHARS = 65_536;

/** Pieces a whole buffer is cut into, so a big buffer is not decoded into one huge string. */
const BUFFER_CHUNK_BYTES = 1 << 20;

/**
 * Reads a device list and yields a `file` event, one `record` per device line, and an
 * `end` event with the summary. Problems in the file become issues; only a failing source
 * (an I/O error) throws.
 */
export async function* readDeviceCsv(
  source: CsvSource,
  options: ReadOptions = {},
): AsyncGenerator<CsvEvent, void, undefined> {
  for await (const batch of readDeviceCsvBatches(source, options)) {
    yield* batch;
  }
}

/**
 * The same events as `readDeviceCsv`, in batches (one per piece of about 64 K characters,
 * a few dozen rows): for consumers that handle rows in bulk and would rather not pay a
 * promise per row. Batches are never empty.
 */
export async function* readDeviceCsvBatches(
  source: CsvSource,
  options: ReadOptions = {},
): AsyncGenerator<readonly CsvEvent[], void, undefined> {
  const chunks = byteChunks(source)[Symbol.asyncIterator]();
  try {
    const head = await readHead(chunks);
    const guess = detectEncoding(head.bytes);
    if (guess.binary) {
      yield notText(guess);
      return;
    }
    const decoder = new TextChunkDecoder(guess.encoding);
    let text = decoder.decode(head.bytes.subarray(guess.bomLength));
    let done = head.done;
    if (done) {
      text += decoder.end();
    }
    // Up to the end of the first non-blank line (CR-only files read on to the limit).
    const sniff = new FirstLineWatch();
    while (!done && !sniff.complete(text) && text.length < DIALECT_SNIFF_CHARS) {
      const next = await chunks.next();
      done = next.done === true;
      text += done ? decoder.end() : decoder.decode(next.value as Uint8Array);
    }
    // At most the sniff window, so the verdict does not depend on the chunk sizes.
    const dialect = detectDialect(text.slice(0, DIALECT_SNIFF_CHARS), recognisedHeaderCells);
    const tokenizer = new RowTokenizer(dialect);
    const intake = new Intake(dialect, () => decoder.encoding, options);
    const eventsOf = (rows: readonly RawRow[]): CsvEvent[] => {
      const events: CsvEvent[] = [];
      for (const row of rows) {
        intake.accept(row, events);
      }
      return events;
    };
    // Text goes to the tokenizer in pieces of at least TOKENIZE_CHARS: it re-reads an
    // unfinished row with each piece, so tiny source chunks would make that quadratic.
    let pending = text;
    while (!done) {
      const next = await chunks.next();
      if (next.done) {
        pending += decoder.end();
        break;
      }
      pending += decoder.decode(next.value);
      if (pending.length >= TOKENIZE_CHARS) {
        for (const piece of lineAlignedPieces(pending)) {
          const events = eventsOf(tokenizer.push(piece));
          if (events.length > 0) {
            yield events;
          }
        }
        pending = '';
      }
    }
    for (const piece of lineAlignedPieces(pending)) {
      const events = eventsOf(tokenizer.push(piece));
      if (events.length > 0) {
        yield events;
      }
    }
    const last = eventsOf(tokenizer.end());
    last.push(...intake.finish(tokenizer.lines));
    yield last;
  } finally {
    // Stop the source (e.g. close a file) when the caller stops early.
    await chunks.return?.(undefined);
  }
}

/**
 * Cuts decoded text into views of about `TOKENIZE_CHARS` that end at a line break. The
 * tokenizer then rarely has an unfinished row to join to the next piece, so it parses the
 * views in place instead of copying them (a 1 MiB chunk would otherwise be copied whole).
 */
function* lineAlignedPieces(text: string): Generator<string> {
  let at = 0;
  while (at < text.length) {
    let end = Math.min(at + TOKENIZE_CHARS, text.length);
    if (end < text.length) {
      const lineEnd = text.lastIndexOf('\n', end - 1);
      if (lineEnd >= at) {
        end = lineEnd + 1;
      }
    }
    yield text.slice(at, end);
    at = end;
  }
}

/** Tells, scanning each character once, whether a non-blank line has ended yet. */
class FirstLineWatch {
  #scanned = 0;
  #content = false;

  complete(text: string): boolean {
    for (; this.#scanned < text.length; this.#scanned++) {
      const code = text.charCodeAt(this.#scanned);
      if (code === 10 && this.#content) {
        return true;
      }
      if (code > 32) {
        this.#content = true;
      }
    }
    return false;
  }
}

function notText(guess: EncodingGuess): CsvEvent[] {
  const what =
    guess.binary === 'xlsx'
      ? 'an Excel workbook (.xlsx)'
      : guess.binary === 'xls'
        ? 'an old Excel workbook (.xls)'
        : 'a binary file';
  const issue = csvIssue('csv.file.not_text', 1, null, `This is ${what}, not a CSV text file.`);
  const file = {
    encoding: guess.encoding,
    delimiter: ',' as const,
    layout: null,
    headerLine: null,
    columns: [],
  };
  return [
    { kind: 'file', file, issues: [issue] },
    {
      kind: 'end',
      summary: {
        ...file,
        ok: false,
        rows: 0,
        devices: 0,
        rowsWithErrors: 0,
        errors: 1,
        warnings: 0,
        lines: 1,
        lineEnding: 'none',
      },
      issues: [],
    },
  ];
}

/** Reads until `ENCODING_SNIFF_BYTES` are there or the input ends. */
async function readHead(
  chunks: AsyncIterator<Uint8Array>,
): Promise<{ bytes: Uint8Array; done: boolean }> {
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < ENCODING_SNIFF_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      return { bytes: Buffer.concat(parts), done: true };
    }
    parts.push(next.value);
    size += next.value.length;
  }
  return { bytes: Buffer.concat(parts), done: false };
}

/** Any source as a stream of byte chunks. */
async function* byteChunks(source: CsvSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let at = 0; at < source.length; at += BUFFER_CHUNK_BYTES) {
      yield source.subarray(at, at + BUFFER_CHUNK_BYTES);
    }
    return;
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    // A stream with setEncoding() gives strings; take them as UTF-8.
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  }
}
