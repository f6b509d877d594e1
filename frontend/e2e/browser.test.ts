// End to end: the real `eightfold serve` on temp projects, driven by Debian's Chromium.
// Run with `EIGHTFOLD_BIN=/path/to/eightfold npm run test:e2e` (the Makefile's `test-e2e`).

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectInfo, RunStatus, WatchState } from '../src/lib/types';
import {
  ApiRequests,
  alive,
  artifactPath,
  browserAvailability,
  callApi,
  cleanup,
  eightfoldBinary,
  goProject,
  launchBrowser,
  pageErrors,
  startServer,
  tempDir,
  yamlProject,
  type Server,
} from './helpers';
import { pagePerTest } from './workspace';

// `go build` and `go test` on a cold build cache take a while.
const RUN_TIMEOUT_MS = 60_000;
const UI_TIMEOUT_MS = 10_000;
const PLACE_TITLES = ['Plan', 'Code', 'Build & Test', 'Release', 'Deploy', 'Operate', 'Monitor'];

const availability = browserAvailability();
if (availability.skip) console.warn(`Skipping the browser tests: ${availability.reason}. With CI=true this is a failure.`);

/** A server on a fresh project with a fresh data dir, and a browser context for it. */
interface Workspace {
  dir: string;
  home: string;
  server: Server;
  context: BrowserContext;
}

async function openWorkspace(
  browser: Browser,
  bin: string,
  name: string,
  make: (dir: string) => void,
): Promise<Workspace> {
  const dir = tempDir(name);
  const home = tempDir(`${name}-home`);
  let server: Server | undefined;
  try {
    make(dir);
    server = await startServer(bin, dir, home);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Locator calls wait for their element this long (not Playwright's 30 s), so a missing one fails fast.
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    return { dir, home, server, context };
  } catch (err) {
    await server?.stop().catch(() => undefined);
    cleanup(dir, home);
    throw err;
  }
}

/** Closes the context, stops the server with SIGTERM and checks that it is gone. */
async function closeWorkspace(ws: Workspace | undefined): Promise<void> {
  if (!ws) return;
  try {
    await ws.context.close();
    const pid = ws.server.proc.pid!;
    const exit = await ws.server.stop();
    expect(exit, `eightfold serve should exit cleanly on SIGTERM; stderr:\n${ws.server.stderr()}`).toEqual({
      code: 0,
      signal: null,
    });
    expect(alive(pid), `eightfold serve (pid ${pid}) still running after SIGTERM`).toBe(false);
  } finally {
    cleanup(ws.dir, ws.home);
  }
}

/** Opens the printed URL and waits for the app shell to show the project. */
async function openApp(page: Page, server: Server, project: string): Promise<void> {
  const res = await page.goto(server.url);
  expect(res?.status()).toBe(200);
  const title = page.getByTestId('project-header').locator('h1');
  await expect.poll(() => title.textContent(), { timeout: UI_TIMEOUT_MS }).toBe(project);
  await page.getByTestId('run-button').and(page.locator('[data-state=run]:enabled')).waitFor();
}

function runRow(page: Page, status?: RunStatus) {
  const rows = page.getByTestId('run-row');
  return status ? rows.and(page.locator(`[data-status=${status}]`)) : rows;
}

function stepRow(page: Page, name: string) {
  return page.getByTestId('step-row').filter({ hasText: new RegExp(`\\b${name}\\b`) });
}

/** Starts a run with the Run button and returns the id of the run row that appears. */
async function clickRun(page: Page): Promise<string> {
  const before = await page.getByTestId('run-row').count();
  await page.getByTestId('run-button').click();
  const row = page.getByTestId('run-row').first();
  await expect.poll(() => page.getByTestId('run-row').count(), { timeout: UI_TIMEOUT_MS }).toBe(before + 1);
  const id = await row.getAttribute('data-run-id');
  expect(id).toMatch(/^\d+$/);
  return id!;
}

async function waitForRunStatus(page: Page, id: string, status: RunStatus, timeout = RUN_TIMEOUT_MS): Promise<void> {
  const row = page.locator(`[data-testid=run-row][data-run-id="${id}"]`);
  try {
    await row.and(page.locator(`[data-status=${status}]`)).waitFor({ timeout });
  } catch (err) {
    const now = await row.getAttribute('data-status').catch(() => '(no row)');
    throw new Error(`run #${id} did not become ${status} within ${timeout} ms (it is ${now})`, { cause: err });
  }
}

/** Screenshots for people to look at: test-artifacts/ and /tmp/ef-shots/ (or $EF_SHOTS). */
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: artifactPath(`${name}.png`) });
  const dir = process.env.EF_SHOTS ?? '/tmp/ef-shots';
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** Resolves once the page has drawn another frame: its main thread is not stuck. */
async function nextFrame(page: Page): Promise<boolean> {
  return page.evaluate(() => new Promise<boolean>((r) => requestAnimationFrame(() => r(true))));
}

/** A row the log view has in the DOM: its line number, text, ANSI classes and whether it is on screen. */
interface LogRow {
  n: number;
  text: string;
  classes: string[];
  onScreen: boolean;
}

async function logRows(page: Page): Promise<LogRow[]> {
  return page.getByTestId('log-view').evaluate((view) => {
    const box = view.getBoundingClientRect();
    return [...view.querySelectorAll<HTMLElement>('.line')].map((row) => {
      const r = row.getBoundingClientRect();
      return {
        n: Number(row.querySelector('.ln')?.textContent),
        text: row.querySelector('.text')?.textContent ?? '',
        classes: [...row.querySelectorAll('.text span')].flatMap((s) => [...s.classList]),
        onScreen: r.bottom > box.top && r.top < box.bottom,
      };
    });
  });
}

/** Sets the log view's scrollTop to this fraction of its scrollHeight; returns the scrollTop it took. */
async function scrollLog(page: Page, fraction: number): Promise<number> {
  return page.getByTestId('log-view').evaluate((view, f) => {
    view.scrollTop = view.scrollHeight * f;
    return view.scrollTop;
  }, fraction);
}

describe.skipIf(availability.skip)(
  availability.skip ? `browser face (skipped: ${availability.reason})` : 'browser face',
  () => {
    let bin: string;
    let browser: Browser;

    beforeAll(async () => {
      bin = eightfoldBinary();
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
    });

    describe('a Go project with a passing test', () => {
      let ws: Workspace;

      beforeAll(async () => {
        ws = await openWorkspace(browser, bin, 'go', goProject);
      });
      afterAll(() => closeWorkspace(ws));

      describe('with the token', () => {
        let page: Page;

        pagePerTest(() => ws, (p) => (page = p));

        it('opens the app shell from the printed URL and drops the token from the address bar', async () => {
          await openApp(page, ws.server, basename(ws.dir));

          const url = new URL(page.url());
          expect(url.searchParams.has('token')).toBe(false);
          expect(page.url()).not.toContain(ws.server.token);
          expect(url.origin).toBe(new URL(ws.server.base).origin);
          expect(url.hash).toBe('#/build');

          const titles = await page.getByRole('navigation', { name: 'Places' }).getByRole('link').allTextContents();
          expect(titles.map((t) => t.replace(/\s*soon\s*$/, '').trim())).toEqual(PLACE_TITLES);
          await expect.poll(() => page.getByTestId('nav-build').getAttribute('aria-current')).toBe('page');
          // The first test on this project: nothing has run yet.
          await page.getByTestId('runs-empty').waitFor();

          const header = page.getByTestId('project-header');
          expect(await header.textContent()).toContain('⎇ main');
          expect(await header.textContent()).toContain('detected from go.mod');
          expect(await page.getByTestId('dirty-badge').count()).toBe(0);

          // The token now lives in a cookie that scripts cannot read and other sites cannot send.
          const cookies = await ws.context.cookies(ws.server.base);
          expect(cookies).toEqual([
            expect.objectContaining({
              name: `eightfold_token_${ws.server.port}`,
              value: ws.server.token,
              httpOnly: true,
              sameSite: 'Strict',
              path: '/',
            }),
          ]);
          expect(await page.evaluate(() => document.cookie)).toBe('');
        });

        it('runs the pipeline from the Run button and shows the go test log and its test', async () => {
          await openApp(page, ws.server, basename(ws.dir));
          const id = await clickRun(page);
          await waitForRunStatus(page, id, 'passed');

          await runRow(page, 'passed').first().click();
          const detail = page.locator(`[data-testid=run-detail][data-run-id="${id}"]`);
          await detail.waitFor({ timeout: UI_TIMEOUT_MS });
          expect(await detail.getByTestId('status-badge').first().getAttribute('data-status')).toBe('passed');
          expect(await stepRow(page, 'build').getAttribute('data-status')).toBe('passed');

          const test = stepRow(page, 'test');
          await test.click();
          expect(await test.getAttribute('aria-current')).toBe('true');
          expect(await test.getAttribute('data-status')).toBe('passed');
          expect(await test.textContent()).toContain('exit 0');

          const log = page.getByTestId('log-view');
          const lines = () => log.getAttribute('data-count').then(Number);
          await expect.poll(lines, { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(2);
          // go test -json is read as a test report and stored as the text `go test -v` prints (docs/config.md).
          await expect.poll(() => log.textContent(), { timeout: UI_TIMEOUT_MS }).toContain('--- PASS: TestAdd');
          const text = (await log.textContent()) ?? '';
          expect(text).toContain('=== RUN   TestAdd');
          expect(text).toContain('example.com/demo');
          expect(await page.getByTestId('error-banner').count()).toBe(0);

          // The report's one test, in the header and in the tests tab.
          const counts = detail.getByTestId('test-counts');
          expect(await counts.getAttribute('title')).toBe('1 test: 1 passed');
          await page.getByTestId('run-tab-tests').click();
          const suite = page.getByTestId('suite-row');
          await suite.waitFor();
          expect(await suite.getAttribute('data-suite')).toBe('example.com/demo');
          // All green: folded until opened.
          expect(await suite.getAttribute('aria-expanded')).toBe('false');
          await suite.click();
          expect(await page.getByTestId('test-row').getAttribute('data-status')).toBe('passed');
          expect(await page.getByTestId('test-row').textContent()).toContain('TestAdd');
          await page.getByTestId('run-tab-steps').click();

          await page.screenshot({ path: artifactPath('browser-run.png') });
        });

        it('shows a plain note for a place that has not landed', async () => {
          await openApp(page, ws.server, basename(ws.dir));
          const project = await callApi<ProjectInfo>(ws.server, 'Project');
          const code = project.places.find((p) => p.id === 'code');
          expect(code?.ready).toBe(false);

          await page.getByTestId('nav-code').click();
          const note = page.locator('[data-testid=place-note][data-place=code]');
          await note.waitFor({ timeout: UI_TIMEOUT_MS });
          expect(await note.getByRole('heading').textContent()).toBe('Code');
          expect(await note.locator('p').textContent()).toBe(code!.note);
          expect(new URL(page.url()).hash).toBe('#/code');
          expect(await page.getByTestId('nav-code').getAttribute('aria-current')).toBe('page');
          expect(await page.getByTestId('runs-list').count()).toBe(0);
        });
      });

      describe('without the session token', () => {
        let guest: BrowserContext;
        beforeEach(async () => {
          guest = await browser.newContext();
        });
        afterEach(async () => {
          await guest?.close();
        });

        it('answers 401 with a page that says to open the printed URL, and so does the API', async () => {
          const p = await guest.newPage();
          const res = await p.goto(ws.server.base);
          expect(res?.status()).toBe(401);
          expect(await p.locator('body').textContent()).toContain('Open the URL printed by `eightfold serve`');
          expect(await p.getByTestId('project-header').count()).toBe(0);

          const api = await p.evaluate(async () => {
            const runs = await fetch('/api/Runs', { method: 'POST', body: '[0]' });
            const events = await fetch('/api/events');
            return { runs: runs.status, body: await runs.json(), events: events.status };
          });
          expect(api).toEqual({ runs: 401, body: expect.objectContaining({ code: 'unauthorized' }), events: 401 });
          expect(await guest.cookies()).toEqual([]);
        });

        it('answers 401 to a wrong token and sets no cookie', async () => {
          const p = await guest.newPage();
          const wrong = ws.server.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
          const res = await p.goto(`${ws.server.base}?token=${wrong}`);
          expect(res?.status()).toBe(401);
          expect(await p.locator('body').textContent()).toContain('Open the URL printed by `eightfold serve`');
          expect(await guest.cookies()).toEqual([]);
          const status = await p.evaluate(async () => {
            const res = await fetch('/api/Runs', { method: 'POST', body: '[0]' });
            return res.status;
          });
          expect(status).toBe(401);
        });
      });
    });

    describe('a step that prints over two seconds', () => {
      let ws: Workspace;

      beforeAll(async () => {
        ws = await openWorkspace(browser, bin, 'slow', (dir) =>
          yamlProject(
            dir,
            'steps:\n  - name: slow\n    run: "for i in 1 2 3 4 5; do echo line $i; sleep 0.4; done"\n',
          ),
        );
      });
      afterAll(() => closeWorkspace(ws));

      it('shows lines while the run is still running, from events and not polling', async () => {
        const page = await ws.context.newPage();
        const errors = pageErrors(page);
        const requests = new ApiRequests(page);
        await openApp(page, ws.server, basename(ws.dir));
        expect(requests.count('Runs')).toBe(1);

        // Record every line count the log view shows while its run row says `running`.
        await page.evaluate(() => {
          const seen: number[] = [];
          (window as unknown as { liveCounts: number[] }).liveCounts = seen;
          const sample = () => {
            const row = document.querySelector('[data-testid=run-row]');
            const log = document.querySelector('[data-testid=log-view]');
            const n = Number(log?.getAttribute('data-count') ?? 0);
            if (row?.getAttribute('data-status') === 'running' && n > 0 && !seen.includes(n)) seen.push(n);
          };
          new MutationObserver(sample).observe(document.body, { subtree: true, childList: true, attributes: true });
        });

        const id = await clickRun(page);
        // Lines on screen while the run row still says running: output arrives live.
        await page.waitForFunction(
          (runId) => {
            const row = document.querySelector(`[data-testid=run-row][data-run-id="${runId}"]`);
            const log = document.querySelector('[data-testid=log-view]');
            return row?.getAttribute('data-status') === 'running' && !!log?.textContent?.includes('line 2');
          },
          id,
          { timeout: UI_TIMEOUT_MS },
        );
        expect(await stepRow(page, 'slow').getAttribute('data-status')).toBe('running');

        await waitForRunStatus(page, id, 'passed', UI_TIMEOUT_MS);
        const log = page.getByTestId('log-view');
        await expect.poll(() => log.textContent()).toContain('line 5');
        expect(await log.getAttribute('data-count')).toBe('5');

        const live = await page.evaluate(() => (window as unknown as { liveCounts: number[] }).liveCounts);
        // The lines came in several steps, not all at once at the end.
        expect(live.length, `line counts seen while running: ${JSON.stringify(live)}`).toBeGreaterThanOrEqual(2);
        expect(Math.min(...live)).toBeLessThan(5);

        // Everything came through one event stream; the run list was loaded once.
        expect(requests.count('events'), `requests: ${requests}`).toBe(1);
        expect(requests.count('Runs'), `requests: ${requests}`).toBe(1);
        expect(requests.count('GetRun'), `requests: ${requests}`).toBeLessThanOrEqual(1);

        // Nothing polls: an idle page makes no requests at all. (A DOM wait cannot show an absence.)
        // The events of the run's end make the loop ring reload once (debounced): let that pass.
        await expect
          .poll(
            async () => {
              const before = requests.total();
              await page.waitForTimeout(600);
              return requests.total() - before;
            },
            { timeout: UI_TIMEOUT_MS },
          )
          .toBe(0);
        const settled = requests.total();
        await page.waitForTimeout(1500);
        expect(requests.total(), `requests: ${requests}`).toBe(settled);

        await page.close();
        expect(errors, 'uncaught errors in the page').toEqual([]);
      });
    });

    describe('a step that prints 100,000 coloured lines', () => {
      const LINES = 100_000;
      let ws: Workspace;

      beforeAll(async () => {
        ws = await openWorkspace(browser, bin, 'long', (dir) =>
          yamlProject(
            dir,
            [
              'steps:',
              '  - name: flood',
              '    run: |',
              `      awk 'BEGIN{for(i=1;i<=${LINES};i++) printf "\\033[32mline %06d\\033[0m ok\\n", i}'`,
              '',
            ].join('\n'),
          ),
        );
      });
      afterAll(() => closeWorkspace(ws));

      it('a 100,000-line log scrolls', async () => {
        const page = await ws.context.newPage();
        const errors = pageErrors(page);
        await openApp(page, ws.server, basename(ws.dir));
        const id = await clickRun(page);
        await waitForRunStatus(page, id, 'passed');

        await runRow(page, 'passed').first().click();
        await page.locator(`[data-testid=run-detail][data-run-id="${id}"]`).waitFor();
        const flood = stepRow(page, 'flood');
        await flood.click();
        expect(await flood.getAttribute('aria-current')).toBe('true');

        // One row per line the step printed: a step that exits 0 adds no meta line.
        const log = page.getByTestId('log-view');
        await expect
          .poll(() => log.getAttribute('data-count').then(Number), { timeout: RUN_TIMEOUT_MS })
          .toBe(LINES);
        expect(await page.getByTestId('error-banner').count()).toBe(0);

        const rows = async () => {
          const all = await logRows(page);
          // Only what is in view plus the overscan is in the DOM, never the whole log.
          expect(all.length, 'rows in the DOM').toBeGreaterThan(0);
          expect(all.length, 'rows in the DOM').toBeLessThan(300);
          return all;
        };
        const onScreen = async () => (await rows()).filter((r) => r.onScreen);

        // The top.
        expect(await scrollLog(page, 0)).toBe(0);
        expect(await nextFrame(page)).toBe(true);
        await expect.poll(async () => (await onScreen())[0]?.text).toBe('line 000001 ok');
        const top = (await onScreen())[0];
        expect(top.n).toBe(1);
        expect(top.classes).toContain('ansi-green-fg');
        await expect.poll(() => page.getByRole('button', { name: '↓ Follow' }).count()).toBe(1);

        // The middle: the first line on screen is near line 50,000, in green.
        const middle = await scrollLog(page, 0.5);
        expect(middle).toBeGreaterThan(0);
        expect(await nextFrame(page)).toBe(true);
        await expect
          .poll(async () => {
            const first = (await onScreen())[0];
            return first ? Math.abs(first.n - LINES / 2) : Infinity;
          })
          .toBeLessThanOrEqual(200);
        const mid = (await onScreen())[0];
        expect(mid.text).toBe(`line ${String(mid.n).padStart(6, '0')} ok`);
        expect(mid.classes).toContain('ansi-green-fg');
        const green = await log
          .locator('.line', { hasText: mid.text })
          .locator('.ansi-green-fg')
          .evaluate((el) => getComputedStyle(el).color);
        expect(green).toBe('rgb(63, 185, 80)'); // app.css: .ansi-green-fg { color: #3fb950 }

        await page.screenshot({ path: artifactPath('browser-long-log.png') });

        // The bottom, with the keyboard: End on the focused log view.
        await log.focus();
        await page.keyboard.press('End');
        expect(await nextFrame(page)).toBe(true);
        await expect.poll(async () => (await onScreen()).at(-1)?.text).toBe(`line ${LINES} ok`);
        const bottom = (await onScreen()).at(-1)!;
        expect(bottom.n).toBe(LINES);
        expect(bottom.classes).toContain('ansi-green-fg');
        const atEnd = await log.evaluate((v) => v.scrollHeight - v.scrollTop - v.clientHeight);
        expect(atEnd).toBeLessThanOrEqual(1);
        // Back at the bottom, the log follows again.
        await expect.poll(() => page.getByRole('button', { name: '↓ Follow' }).count()).toBe(0);
        expect(await nextFrame(page)).toBe(true);

        await page.close();
        expect(errors, 'uncaught errors in the page').toEqual([]);
      });
    });

    describe('a failing step', () => {
      let ws: Workspace;

      beforeAll(async () => {
        ws = await openWorkspace(browser, bin, 'fail', (dir) =>
          yamlProject(
            dir,
            [
              'steps:',
              '  - name: prepare',
              '    run: echo ready',
              '  - name: boom',
              '    run: "echo about to fail >&2; exit 3"',
              '  - name: after',
              '    run: echo never',
              '',
            ].join('\n'),
          ),
        );
      });
      afterAll(() => closeWorkspace(ws));

      it('turns the run failed and shows the exit code', async () => {
        const page = await ws.context.newPage();
        const errors = pageErrors(page);
        await openApp(page, ws.server, basename(ws.dir));
        const id = await clickRun(page);
        await waitForRunStatus(page, id, 'failed', UI_TIMEOUT_MS);

        const detail = page.locator(`[data-testid=run-detail][data-run-id="${id}"]`);
        await detail.waitFor({ timeout: UI_TIMEOUT_MS });
        expect(await detail.getByTestId('status-badge').first().getAttribute('data-status')).toBe('failed');

        const boom = stepRow(page, 'boom');
        expect(await boom.getAttribute('data-status')).toBe('failed');
        expect(await boom.textContent()).toContain('exit 3');
        expect(await stepRow(page, 'prepare').getAttribute('data-status')).toBe('passed');
        expect(await stepRow(page, 'after').getAttribute('data-status')).toBe('skipped');

        // The failed step is the one shown, with its stderr.
        expect(await boom.getAttribute('aria-current')).toBe('true');
        const log = page.getByTestId('log-view');
        await expect.poll(() => log.textContent(), { timeout: UI_TIMEOUT_MS }).toContain('about to fail');
        // The Run button is back for the next run.
        expect(await page.getByTestId('run-button').getAttribute('data-state')).toBe('run');

        await page.screenshot({ path: artifactPath('browser-failed.png') });
        await page.close();
        expect(errors, 'uncaught errors in the page').toEqual([]);
      });
    });

    describe('a pipeline whose JUnit report has a failing test', () => {
      let ws: Workspace;
      // One passing and one failing test case; the failure text points at the line that failed.
      const report = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites>',
        '  <testsuite name="cart">',
        '    <testcase classname="shop.cart" name="adds items" time="0.012" file="shop/cart_test.py" line="10"/>',
        '    <testcase classname="shop.cart" name="applies discount" time="0.034" file="shop/cart_test.py" line="41">',
        '      <failure message="total = 90, want 95" type="AssertionError">shop/cart_test.py:44: AssertionError: total = 90, want 95</failure>',
        '      <system-out>computing total for basket 42</system-out>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
      ];

      beforeAll(async () => {
        ws = await openWorkspace(browser, bin, 'junit', (dir) =>
          yamlProject(
            dir,
            [
              'steps:',
              '  - name: test',
              '    run: |',
              "      cat > report.xml <<'XML'",
              ...report.map((l) => `      ${l}`),
              '      XML',
              '      exit 1',
              '    report: junit:report.xml',
              // The report is written into the repository: not a change worth a run.
              'watch:',
              '  ignore: [report.xml]',
              '',
            ].join('\n'),
          ),
        );
      });
      afterAll(() => closeWorkspace(ws));

      it('shows the counts, the tree, the failed filter and the failing test with its message and file:line', async () => {
        const page = await ws.context.newPage();
        const errors = pageErrors(page);
        await openApp(page, ws.server, basename(ws.dir));
        // Two runs, so that the test has a history to show.
        const first = await clickRun(page);
        await waitForRunStatus(page, first, 'failed');
        const id = await clickRun(page);
        await waitForRunStatus(page, id, 'failed');

        await runRow(page, 'failed').first().click();
        const detail = page.locator(`[data-testid=run-detail][data-run-id="${id}"]`);
        await detail.waitFor();

        // The counts in the run header, and in the tab's title.
        const counts = detail.getByTestId('test-counts');
        await expect.poll(() => counts.getAttribute('data-failed')).toBe('1');
        expect(await counts.getAttribute('data-passed')).toBe('1');
        expect(await counts.getAttribute('data-total')).toBe('2');
        expect(await counts.getAttribute('title')).toBe('2 tests: 1 passed, 1 failed');
        expect((await counts.textContent())?.replace(/\s+/g, '')).toContain('✓1✗1');
        expect(await page.title()).toBe(`✖ failed · 1 of 2 tests — ${basename(ws.dir)}`);
        expect(await page.getByTestId('run-row').count(), 'only the two runs started here').toBe(2);

        // A run that ended with failing tests opens on its tests: the suite is open, failures first.
        expect(await page.getByTestId('run-tab-tests').getAttribute('aria-selected')).toBe('true');
        const suite = page.getByTestId('suite-row');
        await expect.poll(() => suite.count()).toBe(1);
        expect(await suite.getAttribute('data-suite')).toBe('shop.cart');
        expect(await suite.getAttribute('aria-expanded')).toBe('true');
        const rows = page.getByTestId('test-row');
        expect(await rows.count()).toBe(2);
        expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['failed', 'passed']);
        expect(await rows.first().textContent()).toContain('applies discount');
        expect(await rows.first().textContent()).toContain('AssertionError: total = 90, want 95');

        // The failed filter leaves the failure alone.
        await page.getByTestId('test-filter-failed').click();
        await expect.poll(() => rows.count()).toBe(1);
        expect(await rows.first().getAttribute('data-status')).toBe('failed');
        await shot(page, 'e2e-run-tests');

        // Its detail: the message and where it failed, up front.
        await rows.first().click();
        const test = page.getByTestId('test-detail');
        await test.getByTestId('test-location').waitFor();
        expect(await test.getByTestId('test-name').textContent()).toBe('applies discount');
        expect(await test.getByTestId('test-status').getAttribute('data-status')).toBe('failed');
        expect(await test.getByTestId('test-location').textContent()).toBe('shop/cart_test.py:44');
        expect(await test.getByTestId('test-message').textContent()).toContain('total = 90, want 95');
        expect((await test.getByTestId('test-since').textContent())?.replace(/\s+/g, ' ')).toContain(`Failing since run #${first}`);
        expect(await test.getByTestId('test-output').textContent()).toContain('computing total for basket 42');
        const cells = test.getByTestId('outcome-cell');
        expect(await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')))).toEqual([first, id]);
        // uPlot drew the duration trend on a canvas.
        await test.getByTestId('duration-trend').locator('canvas').first().waitFor();
        expect(new URL(page.url()).hash).toMatch(new RegExp(`^#/build/${id}/tests/\\d+$`));
        expect(await nextFrame(page)).toBe(true);
        await shot(page, 'e2e-test-detail');

        // A history cell goes to that run, with the same test open.
        await cells.first().click();
        await page.locator(`[data-testid=run-detail][data-run-id="${first}"]`).waitFor();
        await expect.poll(() => page.getByTestId('test-detail').getByTestId('test-name').textContent()).toBe('applies discount');

        // The insights of the run: nothing green before, so the failure counts as new.
        await page.getByTestId('run-tab-insights').click();
        const insights = page.getByTestId('run-insights');
        await expect.poll(() => insights.getByTestId('newly-failing').getAttribute('data-count')).toBe('1');
        expect(await insights.textContent()).toContain('No run passed before this one');
        expect(await page.getByTestId('error-banner').count()).toBe(0);

        await page.close();
        expect(errors, 'uncaught errors in the page').toEqual([]);
      });
    });

    describe('watch mode', () => {
      let ws: Workspace;

      beforeAll(async () => {
        ws = await openWorkspace(browser, bin, 'watch', (dir) =>
          yamlProject(dir, ['steps:', '  - name: check', '    run: cat notes.txt', ''].join('\n')),
        );
      });
      afterAll(() => closeWorkspace(ws));

      it('runs on a saved file, shows why, and holds changes while auto-run is off', async () => {
        const page = await ws.context.newPage();
        const errors = pageErrors(page);
        await openApp(page, ws.server, basename(ws.dir));
        const watching = page.getByTestId('watch-state');
        await expect.poll(() => watching.getAttribute('data-watching'), { timeout: UI_TIMEOUT_MS }).toBe('true');

        // A save starts a run by itself, and the row says which file changed.
        writeFileSync(join(ws.dir, 'notes.txt'), 'first save\n');
        const row = runRow(page, 'passed').first();
        await row.waitFor({ timeout: RUN_TIMEOUT_MS });
        expect(await row.getByTestId('run-cause').textContent()).toContain('notes.txt');
        await row.click();
        expect(await page.getByTestId('changed-files').textContent()).toContain('notes.txt');

        // With auto-run off a save only shows as pending; turning it on runs it.
        await page.getByTestId('auto-run').uncheck();
        await expect.poll(() => page.getByTestId('auto-run').isChecked()).toBe(false);
        // The switch moves at once; the save must come after Go has turned auto-run off.
        await expect.poll(async () => (await callApi<WatchState>(ws.server, 'WatchState')).auto, { timeout: UI_TIMEOUT_MS }).toBe(false);
        writeFileSync(join(ws.dir, 'notes.txt'), 'second save\n');
        await expect.poll(() => page.getByTestId('pending').textContent(), { timeout: UI_TIMEOUT_MS }).toContain('1 change pending');
        expect(await page.getByTestId('run-row').count()).toBe(1);
        await page.getByTestId('auto-run').check();
        await expect.poll(() => runRow(page, 'passed').count(), { timeout: RUN_TIMEOUT_MS }).toBe(2);

        await page.screenshot({ path: artifactPath('browser-watch.png') });
        await page.close();
        expect(errors, 'uncaught errors in the page').toEqual([]);
      });
    });
  },
);
