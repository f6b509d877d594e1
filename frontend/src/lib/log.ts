// The log model: turns a step's chunks into display lines of escaped HTML.
//
// Each stream (stdout, stderr, meta) keeps its own unfinished line and its own ANSI state, since
// they are separate pipes whose chunks interleave. A line ends at "\n" ("\r\n" counts as one
// break, also when it spans two chunks). A bare "\r" starts the line over, as progress bars
// expect: the last segment with visible text wins. Unfinished lines are shown after the finished
// ones and replaced as their text grows.

import { AnsiUp } from 'ansi_up';
import type { LogChunk, LogStream } from './types';

export interface LogLine {
  /** Escaped HTML: log text never becomes markup; only ansi_up's own spans and links do. */
  html: string;
  stream: LogStream;
}

interface Partial {
  raw: string;
  line: LogLine;
}

// A CSI sequence (colours, cursor moves, erases): invisible when deciding if a segment is empty.
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;

function newConverter(): AnsiUp {
  const c = new AnsiUp();
  c.use_classes = true;
  c.escape_html = true;
  return c;
}

// A copy of a converter's colour state. ansi_up keeps its whole state in plain fields whose values
// it replaces rather than mutates, so a shallow copy is an independent snapshot.
function snapshot(c: AnsiUp): AnsiUp {
  return Object.assign(Object.create(Object.getPrototypeOf(c)) as AnsiUp, c);
}

// Index of the last segment with visible text (0 when none has any).
function lastVisible(segments: string[]): number {
  let i = segments.length - 1;
  while (i > 0 && segments[i].replace(CSI, '') === '') i--;
  return i;
}

// Renders one line (no "\n") with the "\r" rule, advancing the converter's state through every
// segment so colours set in overwritten segments still apply.
function render(conv: AnsiUp, line: string): string {
  if (!line.includes('\r')) return conv.ansi_to_html(line);
  const segments = line.split('\r');
  const winner = lastVisible(segments);
  let html = '';
  segments.forEach((seg, i) => {
    const out = conv.ansi_to_html(seg);
    if (i === winner) html = out;
  });
  return html;
}

export class LogModel {
  readonly #lines: LogLine[] = [];
  readonly #partials = new Map<LogStream, Partial>();
  readonly #converters = new Map<LogStream, AnsiUp>();
  #lastSeq = 0;

  /** Number of display lines, unfinished ones included. */
  get length(): number {
    return this.#lines.length + this.#partials.size;
  }

  line(index: number): LogLine {
    if (index < this.#lines.length) return this.#lines[index];
    let k = index - this.#lines.length;
    for (const p of this.#partials.values()) {
      if (k-- === 0) return p.line;
    }
    throw new RangeError(`no log line ${index}`);
  }

  /** Takes in chunks in order; chunks already seen (by seq) are ignored. */
  append(chunks: LogChunk[]): void {
    const touched = new Set<LogStream>();
    for (const chunk of chunks) {
      if (chunk.seq <= this.#lastSeq) continue;
      this.#lastSeq = chunk.seq;
      this.#take(chunk.stream, chunk.text);
      touched.add(chunk.stream);
    }
    // Unfinished lines are rendered once per call, however many chunks grew them.
    for (const stream of touched) {
      const p = this.#partials.get(stream);
      if (p) p.line = { html: render(snapshot(this.#converter(stream)), p.raw), stream };
    }
  }

  #converter(stream: LogStream): AnsiUp {
    let c = this.#converters.get(stream);
    if (!c) {
      c = newConverter();
      this.#converters.set(stream, c);
    }
    return c;
  }

  #take(stream: LogStream, text: string): void {
    const conv = this.#converter(stream);
    const pieces = ((this.#partials.get(stream)?.raw ?? '') + text).split('\n');
    let rest = pieces.pop()!;
    for (const piece of pieces) this.#lines.push({ html: render(conv, piece), stream });
    // Keep the unfinished line short: segments before the last visible one are overwritten
    // anyway, so fold them into the converter's state now. A trailing "\r" stays: it may be the
    // first half of a "\r\n".
    if (rest.includes('\r')) {
      const segments = rest.split('\r');
      const keep = lastVisible(segments);
      for (const seg of segments.slice(0, keep)) conv.ansi_to_html(seg);
      rest = segments.slice(keep).join('\r');
    }
    const existing = this.#partials.get(stream);
    if (rest === '') this.#partials.delete(stream);
    // Updating in place keeps the line where it is; a new one goes after the others.
    else if (existing) existing.raw = rest;
    else this.#partials.set(stream, { raw: rest, line: { html: '', stream } });
  }
}
