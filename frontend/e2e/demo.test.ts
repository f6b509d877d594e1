// End to end: the demo loop of `eightfold demo` with its guided tour, in a real browser on a
// real `eightfold serve`. The tour's buttons break the shop's test and undo it, run the
// pipeline; the API releases, deploys to staging and promotes to production. At every stage
// the loop ring shows what `eightfold status --json` says in the terminal. Then the tour breaks
// health: the release passes its tests but fails staging's health gate, staging switches back,
// an incident opens, Monitor makes a card of it, and production gets the good release.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardInfo, DeployInfo, IncidentInfo, ReleaseInfo, RunInfo, StageId, StatusInfo } from '../src/lib/types';
import { browserAvailability, callApi, cleanup, eightfoldBinary, launchBrowser, pageErrors, startServer, tempDir, type Server } from './helpers';
import { deployDone, runGreen, shot, stopApp } from './workspace';

const UI_TIMEOUT_MS = 10_000;
const WAIT_MS = 30_000;
const availability = browserAvailability();

describe.skipIf(availability.skip)(availability.skip ? `demo loop (skipped: ${availability.reason})` : 'demo loop', () => {
  let browser: Browser;
  let context: BrowserContext;
  let server: Server | undefined;
  let page: Page;
  let errors: string[];
  let root: string;
  let dir: string;
  let home: string;

  /** `eightfold status --json` on the demo, read while the server holds the database. */
  function statusCLI(): StatusInfo {
    const r = spawnSync(eightfoldBinary(), ['status', '--json', '--dir', dir, '--home', home], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`eightfold status: exit ${r.status}\n${r.stderr}`);
    return JSON.parse(r.stdout) as StatusInfo;
  }

  const ringAttention = (id: StageId) => page.locator(`[data-testid=ring-stage][data-stage=${id}]`).getAttribute('data-attention');

  /** The ring's flag of each stage becomes want, and the terminal's is the same. */
  async function attention(ids: StageId[], want: boolean): Promise<void> {
    for (const id of ids) await expect.poll(() => ringAttention(id), { timeout: WAIT_MS }).toBe(String(want));
    const status = statusCLI();
    for (const id of ids) expect(status.stages.find((s) => s.id === id)?.attention, `status --json: ${id}`).toBe(want);
  }

  /** The ring's flag of each stage is the one `eightfold status --json` gives. */
  async function agree(ids: StageId[]): Promise<void> {
    const status = statusCLI();
    for (const id of ids) {
      const want = status.stages.find((s) => s.id === id)?.attention;
      expect(want, `status --json has stage ${id}`).toBeTypeOf('boolean');
      await expect.poll(() => ringAttention(id), { timeout: WAIT_MS }).toBe(String(want));
    }
  }

  const tour = () => page.getByTestId('tour');
  const tourDone = () => page.getByTestId('tour-state').filter({ hasText: '✓' }).waitFor({ timeout: WAIT_MS });
  async function next(step: string): Promise<void> {
    await tour().getByRole('button', { name: 'Next' }).click();
    await page.locator(`[data-testid=tour][data-step=${step}]`).waitFor();
  }

  /** The newest run once none is running. */
  async function idleRun(): Promise<RunInfo | undefined> {
    await expect
      .poll(async () => (await callApi<RunInfo[]>(server!, 'Runs', [1]))[0]?.status, { timeout: WAIT_MS, interval: 200 })
      .not.toBe('running');
    return (await callApi<RunInfo[]>(server!, 'Runs', [1]))[0];
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    root = tempDir('demo');
    dir = join(root, 'shop');
    home = join(root, 'home');
    // The demo takes the data directory's lock: make it before the server starts.
    const made = spawnSync(eightfoldBinary(), ['demo', dir, '--no-open', '--home', home], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`eightfold demo: exit ${made.status}\n${made.stdout}\n${made.stderr}`);
    server = await startServer(eightfoldBinary(), dir, home);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    page = await context.newPage();
    errors = pageErrors(page);
  });

  afterAll(async () => {
    try {
      await context?.close();
      if (server) {
        const exit = await server.stop();
        expect(exit, `eightfold serve should exit cleanly; stderr:\n${server.stderr()}`).toEqual({ code: 0, signal: null });
      }
    } finally {
      // The shops the deploys started outlive the server: stop them by their pid files.
      for (const target of ['staging', 'production']) stopApp(join(`${dir}-targets`, target, 'shop.pid'));
      await browser?.close();
      if (root) cleanup(root);
    }
  });

  it('walks the loop with the tour; the ring and `eightfold status --json` agree at every stage', async () => {
    await page.goto(server!.url);
    await page.getByTestId('loop-ring').waitFor();
    // The tour is offered on first opening a demo; the Tour button starts it otherwise.
    if (!(await tour().isVisible())) await page.getByTestId('tour-button').click();
    await page.locator('[data-testid=tour][data-step=plan]').waitFor();
    await idleRun();
    await attention(['build', 'test'], false);
    await shot(page, 'demo-plan');

    // Code: the tour's edit breaks a test; saving starts a run, which fails.
    await next('code');
    await tour().getByRole('button', { name: 'Make the edit' }).click();
    await tourDone();
    await next('fail');
    await tourDone();
    expect((await idleRun())?.status).toBe('failed');
    await attention(['test'], true);
    await agree(['build']);
    await shot(page, 'demo-test-failed');

    // Undo it: the next run is green, and Build and Test need nothing.
    await next('pass');
    await tour().getByRole('button', { name: 'Undo the edit' }).click();
    await tourDone();
    expect((await idleRun())?.status).toBe('passed');
    await attention(['build', 'test'], false);
    await shot(page, 'demo-test-green');

    // Release: a full run from the tour's button, then a release of it.
    await next('release');
    const before = (await idleRun())?.id ?? 0;
    await tour().getByRole('button', { name: 'Run the pipeline' }).click();
    await expect
      .poll(async () => {
        const [r] = await callApi<RunInfo[]>(server!, 'Runs', [1]);
        return r && r.id > before ? r.status : 'none';
      }, { timeout: WAIT_MS, interval: 200 })
      .toBe('passed');
    const rel = await callApi<ReleaseInfo>(server!, 'Release', [{ bump: '', dry_run: false, allow_dirty: false }]);
    expect(rel.version).toBe('0.1.0');
    await tourDone();
    expect(statusCLI().release.last_version).toBe(rel.version);
    await shot(page, 'demo-release');

    // Deploy to staging: healthy, so Deploy needs nothing and staging runs the release.
    await next('staging');
    const staged = await deployDone(server!, await callApi<DeployInfo>(server!, 'StartDeploy', [{ target: 'staging', release: '', force_unlock: false, confirm: false }]));
    expect(staged.status, staged.failure).toBe('succeeded');
    await tourDone();
    await attention(['deploy'], false);
    expect(statusCLI().targets.find((t) => t.name === 'staging')?.version).toBe(rel.version);
    await shot(page, 'demo-staging');

    // Break health: a fix that passes every test makes /healthz answer 503. Its release fails
    // staging's health gate; staging switches back to the good release and an incident opens.
    await next('break-health');
    const beforeEdit = (await idleRun())?.id ?? 0;
    await tour().getByRole('button', { name: 'Break health' }).click();
    // The edit's own run (on save, narrowed to what changed) first; then a full run to release.
    await expect.poll(async () => ((await idleRun())?.id ?? 0) > beforeEdit, { timeout: WAIT_MS }).toBe(true);
    await runGreen(server!);
    const bad = await callApi<ReleaseInfo>(server!, 'Release', [{ bump: '', dry_run: false, allow_dirty: false }]);
    expect(bad.version).toBe('0.1.1');
    const gated = await deployDone(server!, await callApi<DeployInfo>(server!, 'StartDeploy', [{ target: 'staging', release: '', force_unlock: false, confirm: false }]));
    expect(gated.status).toBe('failed');
    expect(gated.failure).toMatch(/health/i);
    await tourDone();
    expect(statusCLI().targets.find((t) => t.name === 'staging')?.version, 'staging switched back').toBe(rel.version);
    const incidents = await callApi<IncidentInfo[]>(server!, 'Incidents', [7]);
    const incident = incidents.find((i) => i.deploy_id === gated.id);
    expect(incident, `an incident on deploy #${gated.id}: ${JSON.stringify(incidents)}`).toBeDefined();
    await agree(['deploy', 'operate']);
    await shot(page, 'demo-health-broken');

    // Monitor: the incident is listed; "Make a card" puts it on the board.
    await next('monitor');
    await tour().getByRole('link', { name: 'Open Monitor' }).click();
    const row = page.locator(`[data-testid=incident][data-id="${incident!.id}"]`);
    await row.getByTestId('make-card').click();
    const cardKey = (await row.getByTestId('card-key').textContent())?.replace(/^Card /, '') ?? '';
    expect(cardKey).toMatch(/^#\d+$/);
    await tourDone();
    await agree(['monitor', 'plan']);
    await shot(page, 'demo-incident-card');

    // Promote staging's good release (the one it switched back to) to production.
    await next('production');
    const promoted = await deployDone(server!, await callApi<DeployInfo>(server!, 'StartPromote', ['staging', 'production', true, false]));
    expect(promoted.status, promoted.failure).toBe('succeeded');
    await tourDone();
    await agree(['deploy', 'operate']);
    const status = statusCLI();
    expect(status.targets.find((t) => t.name === 'production')?.version).toBe(rel.version);
    expect(status.targets.find((t) => t.name === 'staging')?.version).toBe(rel.version);
    await shot(page, 'demo-production');

    // Back to Plan: the incident's card waits on the board.
    const board = await callApi<BoardInfo>(server!, 'Board', []);
    const cards = (board.columns ?? []).flatMap((col) => col.cards ?? []);
    expect(cards.some((c) => c.key === cardKey), `card ${cardKey} on the board`).toBe(true);
    await next('back');
    await tour().getByRole('link', { name: 'Open the board' }).click();
    await page.locator('[data-testid=board-card]').filter({ hasText: cardKey }).first().waitFor();
    await agree(['plan', 'code', 'build', 'test', 'release', 'deploy', 'operate', 'monitor']);
    await shot(page, 'demo-back-to-plan');
    await tour().getByRole('button', { name: 'Finish' }).click();
    await tour().waitFor({ state: 'hidden' });
    expect(errors, 'uncaught errors in the page').toEqual([]);
  }, 180_000);
});
