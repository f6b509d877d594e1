// End to end: several projects in one `eightfold serve`, and onboarding a folder that has
// neither git nor eightfold.yaml. The start screen opens a second folder by its path; the
// onboarding panel runs `git init` and writes the detected pipeline as a commented
// eightfold.yaml (checked with the git CLI and `eightfold config`); the switcher goes back and
// forth; each open project keeps its own watcher, and a closed one stops watching.

import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunInfo } from '../src/lib/types';
import { browserAvailability, callApi, eightfoldBinary, launchBrowser, pageErrors, tempDir } from './helpers';
import { closeWorkspace, gitOut, openWorkspace, shot, tellOnFailure, type Workspace } from './workspace';

const UI_TIMEOUT_MS = 10_000;
const WAIT_MS = 30_000;
const availability = browserAvailability();

/** A pipeline of one quick step that reads the project's notes. */
const PIPELINE = 'steps:\n  - name: notes\n    run: cat notes.txt\n';

describe.skipIf(availability.skip)(availability.skip ? `projects (skipped: ${availability.reason})` : 'projects', () => {
  let browser: Browser;
  let ws: Workspace;
  let page: Page;
  let errors: string[];
  let second: string; // a folder with a Makefile: no git, no eightfold.yaml

  /** `eightfold history --json` of a project, read while the server holds the data dir. */
  function history(dir: string): RunInfo[] {
    const r = spawnSync(eightfoldBinary(), ['history', '--json', '--dir', dir, '--home', ws.home], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`eightfold history --dir ${dir}: exit ${r.status}\n${r.stderr}`);
    return JSON.parse(r.stdout) as RunInfo[];
  }

  const newest = (dir: string) => history(dir)[0]?.id ?? 0;
  const switcher = () => page.getByTestId('project-switcher');

  /** The runs of dir grow past after, and the newest is done. */
  async function runAfter(dir: string, after: number): Promise<RunInfo> {
    await expect
      .poll(() => {
        const [r] = history(dir);
        return r && r.id > after && r.status !== 'running';
      }, { timeout: WAIT_MS, interval: 250 })
      .toBe(true);
    return history(dir)[0]!;
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    ws = await openWorkspace(browser, eightfoldBinary(), 'projects', { 'eightfold.yaml': PIPELINE, 'notes.txt': 'first\n' }, UI_TIMEOUT_MS);
    second = join(tempDir('projects-second'), 'tool');
    mkdirSync(second);
    writeFileSync(join(second, 'Makefile'), 'test:\n\t@cat notes.txt\n');
    writeFileSync(join(second, 'notes.txt'), 'second\n');
    page = await ws.context.newPage();
    errors = pageErrors(page);
  });

  tellOnFailure(() => ws?.server);

  afterAll(async () => {
    await closeWorkspace(ws);
    await browser?.close();
  });

  it('opens a second folder from the start screen, runs git init and writes the detected eightfold.yaml', async () => {
    await page.goto(ws.server.url);
    await expect.poll(() => switcher().textContent(), { timeout: WAIT_MS }).toContain(basename(ws.dir));
    await switcher().click();
    await page.getByTestId('open-another').click();
    await page.getByTestId('start-screen').waitFor();
    await expect.poll(() => page.getByTestId('recent-project').allTextContents()).toEqual([expect.stringContaining(basename(ws.dir))]);
    await shot(page, 'projects-start');

    // A relative path is refused with the reason; the absolute one opens.
    await page.getByTestId('start-path').fill('tool');
    await page.getByTestId('start-path').press('Enter');
    await expect.poll(() => page.getByTestId('start-error').textContent()).toMatch(/absolute/i);
    await page.getByTestId('start-path').fill(second);
    await page.getByTestId('start-path').press('Enter');
    await expect.poll(() => switcher().textContent(), { timeout: WAIT_MS }).toContain('tool');

    // Build & Test offers git init and the detected pipeline.
    await page.evaluate(() => (location.hash = '#/build'));
    await page.getByTestId('onboarding-git').waitFor();
    await page.getByTestId('onboarding-config').getByText('Makefile').first().waitFor();
    await shot(page, 'projects-onboarding');
    await page.getByTestId('git-init').click();
    await page.getByTestId('onboarding-git').waitFor({ state: 'hidden' });
    expect(gitOut(second, 'rev-parse', '--show-toplevel')).toBe(second);
    expect(gitOut(second, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
    expect(gitOut(second, 'status', '--porcelain')).toContain('?? Makefile');

    await page.getByTestId('config-preview-toggle').click();
    await expect.poll(() => page.getByTestId('config-preview').textContent()).toContain('make test');
    await page.getByTestId('config-write').click();
    await page.getByTestId('onboarding-config').waitFor({ state: 'hidden' });
    expect(existsSync(join(second, 'eightfold.yaml'))).toBe(true);
    const cfg = spawnSync(eightfoldBinary(), ['config', '--dir', second], { encoding: 'utf8' });
    expect(cfg.status, cfg.stderr).toBe(0);
    expect(cfg.stdout).toContain('make test');
    expect(cfg.stdout).toContain('eightfold.yaml');
  }, 120_000);

  it('keeps a watcher per open project, switches between them, and stops watching a closed one', async () => {
    // Back to the first project: the second stays open and watched.
    await switcher().click();
    await page.locator(`[data-testid=open-project][data-path="${ws.dir}"]`).click();
    await expect.poll(() => switcher().textContent(), { timeout: WAIT_MS }).toContain(basename(ws.dir));

    const before = newest(second);
    appendFileSync(join(second, 'notes.txt'), 'saved while in the background\n');
    const background = await runAfter(second, before);
    expect(background.trigger).toBe('change');
    expect(background.status).toBe('passed');
    // The page shows the first project's runs only.
    const shown = await callApi<RunInfo[]>(ws.server, 'Runs', [50]);
    expect(shown.map((r) => r.id)).not.toContain(background.id);

    const firstBefore = newest(ws.dir);
    appendFileSync(join(ws.dir, 'notes.txt'), 'saved in the current project\n');
    expect((await runAfter(ws.dir, firstBefore)).trigger).toBe('change');
    await switcher().click();
    await expect.poll(() => page.getByTestId('open-project').count()).toBe(2);
    await shot(page, 'projects-switcher');

    // Closed, the second folder is no longer watched: a save there starts nothing, while a
    // later save in the first project does.
    await page.locator(`[data-testid=close-project]`).nth(1).click();
    await expect.poll(() => page.getByTestId('open-project').count()).toBe(1);
    const closedAt = newest(second);
    appendFileSync(join(second, 'notes.txt'), 'saved after closing\n');
    const later = newest(ws.dir);
    appendFileSync(join(ws.dir, 'notes.txt'), 'saved after the other was closed\n');
    await runAfter(ws.dir, later);
    expect(newest(second), 'a closed project is not watched').toBe(closedAt);

    // Both stay on the start screen's recent list, newest first.
    await page.getByTestId('open-another').click();
    await expect.poll(() => page.getByTestId('recent-project').count()).toBe(2);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  }, 120_000);
});
