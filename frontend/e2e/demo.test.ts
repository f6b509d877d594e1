// End to end: the demo loop of `eightfold demo` driven by its guided tour alone, in a real
// browser on a real `eightfold serve`: a presenter's clicker presses PageDown, which does each
// step's work (break the shop's test and undo it, run and release, deploy to staging, break
// health and deploy, make a card of the incident, promote to production) or moves on, each
// step opening its place. At every stage the loop ring shows what `eightfold status --json`
// says in the terminal; the API is read here only to check what the tour did.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardInfo, DeployInfo, IncidentInfo, ReleaseInfo, RunInfo, StageId, StatusInfo } from '../src/lib/types';
import { ApiRequests, browserAvailability, callApi, cleanup, eightfoldBinary, launchBrowser, pageErrors, startServer, tempDir, type Server } from './helpers';
import { shot, stopApp, tellOnFailure } from './workspace';

const UI_TIMEOUT_MS = 10_000;
const WAIT_MS = 30_000;
/** A step whose work runs the pipeline (and deploys): a run, a release, maybe a health gate's 5 s. */
const WORK_MS = 90_000;
const availability = browserAvailability();

describe.skipIf(availability.skip)(availability.skip ? `demo loop (skipped: ${availability.reason})` : 'demo loop', () => {
  let browser: Browser;
  let context: BrowserContext;
  let server: Server | undefined;
  let page: Page;
  let errors: string[];
  let requests: ApiRequests;
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
  /** The shown step's event came (✓), and its work, if any, is over. */
  async function tourDone(timeout = WAIT_MS): Promise<void> {
    await page.getByTestId('tour-state').filter({ hasText: '✓' }).waitFor({ timeout });
    await expect.poll(() => tour().getAttribute('data-work'), { timeout }).not.toBe('busy');
    await expect.poll(() => tour().getByTestId('tour-error').count()).toBe(0);
  }
  /** The presenter's clicker: PageDown (do the step's work, else Next). */
  const click = () => page.keyboard.press('PageDown');
  /** A press that moves on to step, which opens its place. */
  async function next(step: string, place: string): Promise<void> {
    await click();
    await page.locator(`[data-testid=tour][data-step=${step}]`).waitFor();
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(new RegExp(`^#/${place}(/|$)`));
  }
  /** A press that starts the shown step's work. */
  async function work(label: string): Promise<void> {
    await expect(tour().getByTestId('tour-work').textContent()).resolves.toBe(label);
    await expect(tour().getAttribute('data-work')).resolves.toBe('pending');
    await click();
    await expect.poll(() => tour().getAttribute('data-work')).not.toBe('pending');
  }

  /** The newest run once none is running. */
  async function idleRun(): Promise<RunInfo | undefined> {
    await expect
      .poll(async () => (await callApi<RunInfo[]>(server!, 'Runs', [1]))[0]?.status, { timeout: WAIT_MS, interval: 200 })
      .not.toBe('running');
    return (await callApi<RunInfo[]>(server!, 'Runs', [1]))[0];
  }

  /** The newest deploy to a target. */
  async function lastDeploy(target: string): Promise<DeployInfo> {
    const [d] = await callApi<DeployInfo[]>(server!, 'Deploys', [target, 1]);
    return d;
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
    requests = new ApiRequests(page);
  });

  tellOnFailure(() => server);

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

  it('walks the loop with the tour alone, by a clicker; the ring and `eightfold status --json` agree at every stage', async () => {
    await page.goto(server!.url);
    await page.getByTestId('loop-ring').waitFor();
    // The tour is offered on first opening a demo, on the board; the Tour button starts it otherwise.
    if (!(await tour().isVisible())) await page.getByTestId('tour-button').click();
    await page.locator('[data-testid=tour][data-step=plan]').waitFor();
    await page.locator('[data-testid=board-card]').first().waitFor();
    // The clicker's keys go to the page, not to a control.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await idleRun();
    await attention(['build', 'test'], false);
    await shot(page, 'demo-plan');

    // Code: the tour's edit breaks a test; saving starts a run, which fails on Build & Test.
    await next('code', 'build');
    await work('Break a test');
    await tourDone();
    await next('fail', 'build');
    await tourDone();
    expect((await idleRun())?.status).toBe('failed');
    await attention(['test'], true);
    await agree(['build']);
    await shot(page, 'demo-test-failed');

    // Undo it: the next run is green, and Build and Test need nothing.
    await next('pass', 'build');
    await work('Undo the edit');
    await tourDone();
    expect((await idleRun())?.status).toBe('passed');
    await attention(['build', 'test'], false);
    await shot(page, 'demo-test-green');

    // Release: a full run, then a release of it, from one press.
    await next('release', 'release');
    const before = (await idleRun())?.id ?? 0;
    await work('Run and release');
    await tourDone(WORK_MS);
    const [rel] = await callApi<ReleaseInfo[]>(server!, 'Releases', []);
    expect(rel.version).toBe('0.1.0');
    expect(rel.run_id, 'released from a full run the tour started').toBeGreaterThan(before);
    expect(statusCLI().release.last_version).toBe(rel.version);
    await shot(page, 'demo-release');

    // Deploy to staging: healthy, so Deploy needs nothing and staging runs the release.
    await next('staging', 'deploy');
    await work('Deploy to staging');
    await tourDone();
    const staged = await lastDeploy('staging');
    expect(staged.status, staged.failure).toBe('succeeded');
    await attention(['deploy'], false);
    expect(statusCLI().targets.find((t) => t.name === 'staging')?.version).toBe(rel.version);
    await shot(page, 'demo-staging');

    // Break health: a fix that passes every test makes /healthz answer 503. The tour runs and
    // releases it and deploys it to staging: the health gate fails, staging switches back to
    // the good release, and an incident opens.
    await next('break-health', 'deploy');
    await work('Break health and deploy');
    await tourDone(WORK_MS);
    const [bad] = await callApi<ReleaseInfo[]>(server!, 'Releases', []);
    expect(bad.version).toBe('0.1.1');
    const gated = await lastDeploy('staging');
    expect(gated.version).toBe(bad.version);
    expect(gated.status).toBe('failed');
    expect(gated.failure).toMatch(/health/i);
    expect(statusCLI().targets.find((t) => t.name === 'staging')?.version, 'staging switched back').toBe(rel.version);
    const incidents = await callApi<IncidentInfo[]>(server!, 'Incidents', [7]);
    const incident = incidents.find((i) => i.deploy_id === gated.id);
    expect(incident, `an incident on deploy #${gated.id}: ${JSON.stringify(incidents)}`).toBeDefined();
    await agree(['deploy', 'operate']);
    await shot(page, 'demo-health-broken');

    // Monitor: the incident is listed; the tour makes a card of the newest one, which the list shows.
    await next('monitor', 'monitor');
    await page.locator(`[data-testid=incident][data-id="${incident!.id}"]`).waitFor();
    await work('Make a card of the incident');
    await tourDone();
    const after = await callApi<IncidentInfo[]>(server!, 'Incidents', [7]);
    const carded = after.filter((i) => i.card_id > 0);
    expect(carded, `one incident with a card: ${JSON.stringify(after)}`).toHaveLength(1);
    expect(carded[0].id, `the newest incident: ${JSON.stringify(after)}`).toBe(after[0].id);
    const cardKey = carded[0].card_key;
    expect(cardKey).toMatch(/^#\d+$/);
    await expect
      .poll(() => page.locator(`[data-testid=incident][data-id="${carded[0].id}"]`).getByTestId('card-key').textContent())
      .toBe(`Card ${cardKey}`);
    await agree(['monitor', 'plan']);
    await shot(page, 'demo-incident-card');

    // Promote staging's good release (the one it switched back to) to production: the press confirms.
    await next('production', 'deploy');
    await work('Promote staging to production');
    await tourDone();
    const promoted = await lastDeploy('production');
    expect(promoted.kind).toBe('promote');
    expect(promoted.status, promoted.failure).toBe('succeeded');
    await agree(['deploy', 'operate']);
    const status = statusCLI();
    expect(status.targets.find((t) => t.name === 'production')?.version).toBe(rel.version);
    expect(status.targets.find((t) => t.name === 'staging')?.version).toBe(rel.version);
    await shot(page, 'demo-production');

    // Back to Plan: the incident's card waits on the board.
    const board = await callApi<BoardInfo>(server!, 'Board', []);
    const cards = (board.columns ?? []).flatMap((col) => col.cards ?? []);
    expect(cards.some((c) => c.key === cardKey), `card ${cardKey} on the board`).toBe(true);
    await next('back', 'plan');
    await page.locator('[data-testid=board-card]').filter({ hasText: cardKey }).first().waitFor();
    await agree(['plan', 'code', 'build', 'test', 'release', 'deploy', 'operate', 'monitor']);
    await shot(page, 'demo-back-to-plan');
    // PageUp goes back a step (and opens its place); the last press finishes the tour.
    await page.keyboard.press('PageUp');
    await page.locator('[data-testid=tour][data-step=production]').waitFor();
    await next('back', 'plan');
    await click();
    await tour().waitFor({ state: 'hidden' });
    // Each step's work came from the page, by the tour, once.
    for (const m of ['DemoEdit', 'Release', 'StartDeploy', 'StartPromote', 'IncidentCard']) {
      expect(requests.count(m), `${m} from the page: ${requests}`).toBe(m === 'DemoEdit' ? 3 : m === 'StartDeploy' || m === 'Release' ? 2 : 1);
    }
    expect(errors, 'uncaught errors in the page').toEqual([]);
  }, 300_000);
});
