import { describe, expect, it } from 'vitest';
import { chunk } from '../testing/fake';
import { LogModel } from './log';
import type { LogChunk } from './types';

function lines(chunks: LogChunk[]): string[] {
  const m = new LogModel();
  m.append(chunks);
  return Array.from({ length: m.length }, (_, i) => m.line(i).html);
}

function texts(...parts: string[]): string[] {
  return lines(parts.map((t, i) => chunk(i + 1, t)));
}

describe('LogModel lines', () => {
  it.each([
    ['one chunk', ['a\nb\n'], ['a', 'b']],
    ['a line across chunks', ['hel', 'lo\nwor', 'ld\n'], ['hello', 'world']],
    ['an unfinished last line', ['a\npart'], ['a', 'part']],
    ['empty lines', ['\n\nx\n'], ['', '', 'x']],
    ['\\r\\n', ['a\r\nb\r\n'], ['a', 'b']],
    ['\\r\\n across chunks', ['a\r', '\nb\n'], ['a', 'b']],
    ['a progress bar: the last segment wins', ['10%\r50%\r100%\n'], ['100%']],
    ['a progress bar across chunks', ['10%\r', '50%\r', '100%\ndone\n'], ['100%', 'done']],
    ['a trailing \\r keeps the text', ['working\r'], ['working']],
    ['a bar still going', ['a\n10%\r20%'], ['a', '20%']],
    ['tabs pass through', ['a\tb\n'], ['a\tb']],
  ])('%s', (_, parts, want) => {
    expect(texts(...parts)).toEqual(want);
  });

  it('keeps each stream’s unfinished line apart', () => {
    const got = lines([chunk(1, 'out: ', 'stdout'), chunk(2, 'err line\n', 'stderr'), chunk(3, 'done\n', 'stdout')]);
    expect(got).toEqual(['err line', 'out: done']);
  });

  it('marks each line with its stream', () => {
    const m = new LogModel();
    m.append([chunk(1, '$ go test\n', 'meta'), chunk(2, 'ok\n'), chunk(3, 'warn\n', 'stderr')]);
    expect([0, 1, 2].map((i) => m.line(i).stream)).toEqual(['meta', 'stdout', 'stderr']);
  });

  it('ignores chunks it has already seen', () => {
    const m = new LogModel();
    m.append([chunk(1, 'a\n'), chunk(2, 'b\n')]);
    m.append([chunk(2, 'b\n'), chunk(3, 'c\n')]);
    expect(m.length).toBe(3);
  });

  it('replaces the unfinished line as it grows', () => {
    const m = new LogModel();
    m.append([chunk(1, 'Downloading 1%')]);
    expect(m.length).toBe(1);
    m.append([chunk(2, '\rDownloading 99%')]);
    expect(m.length).toBe(1);
    expect(m.line(0).html).toBe('Downloading 99%');
    m.append([chunk(3, '\n')]);
    expect(m.length).toBe(1);
    expect(m.line(0).html).toBe('Downloading 99%');
  });

  it('throws for a line that is not there', () => {
    expect(() => new LogModel().line(0)).toThrow(RangeError);
  });
});

describe('LogModel HTML', () => {
  it('escapes markup in the text', () => {
    expect(texts('<script>alert("x")</script> & \'q\'\n')).toEqual([
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;',
    ]);
  });

  it('escapes markup inside coloured text', () => {
    const [html] = texts('\x1b[31m<img src=x onerror=alert(1)>\x1b[0m\n');
    expect(html).toBe('<span class="ansi-red-fg">&lt;img src=x onerror=alert(1)&gt;</span>');
    const div = document.createElement('div');
    div.innerHTML = html;
    expect(div.querySelector('img')).toBeNull();
    expect(div.textContent).toBe('<img src=x onerror=alert(1)>');
  });

  it('renders colours and bold as classes and styles', () => {
    expect(texts('\x1b[1;32mok\x1b[0m plain\n')).toEqual([
      '<span style="font-weight:bold" class="ansi-green-fg">ok</span> plain',
    ]);
  });

  it('carries colour from line to line until reset', () => {
    expect(texts('\x1b[33mwarn\nstill\x1b[0m\nplain\n')).toEqual([
      '<span class="ansi-yellow-fg">warn</span>',
      '<span class="ansi-yellow-fg">still</span>',
      'plain',
    ]);
  });

  it('colours an unfinished line with the colour in force', () => {
    expect(texts('\x1b[36mline\n', 'part')).toEqual(['<span class="ansi-cyan-fg">line</span>', '<span class="ansi-cyan-fg">part</span>']);
  });

  it('keeps colours set in overwritten segments', () => {
    expect(texts('\x1b[31m10%\r20%\n')).toEqual(['<span class="ansi-red-fg">20%</span>']);
  });

  it('joins an escape sequence split across chunks', () => {
    expect(texts('\x1b[3', '2mgreen\x1b[0m\n')).toEqual(['<span class="ansi-green-fg">green</span>']);
  });

  it('drops other control sequences', () => {
    expect(texts('\x1b[2K\x1b[1Gclean\n')).toEqual(['clean']);
  });

  it('passes the \\xNN marks of invalid bytes through as text', () => {
    expect(texts('bad \\xff byte\n')).toEqual(['bad \\xff byte']);
  });
});
