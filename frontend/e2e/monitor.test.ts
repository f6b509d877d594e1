// End to end: the Monitor place's DORA tiles over a real history: two releases deployed to a
// local production target through the API of a real `eightfold serve`, then a rollback; the
// tiles must show exactly what `eightfold dora --json` computes from the same database.

import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployInfo, DoraReport, ReleaseInfo, StatusInfo } from '../src/lib/types';
import { browserAvailability, callApi, eightfoldBinary, git, launchBrowser, tempDir } from './helpers';
import { closeWorkspace, deployDone, freePort, openWorkspace, pagePerTest, runGreen, shot, stopApp, type Workspace } from './workspace';

const UI_TIMEOUT_MS = 10_000;
const availability = browserAvailability();

const PIPELINE = 'steps:\n  - name: build\n    run: mkdir -p bin && git log -1 --format=%s > bin/version.txt\n    artifacts: [bin/version.txt]\n';

/** A local production target that serves its current release with Python's http.server. */
function productionTarget(root: string, port: number): string {
  const start = `if [ -f app.pid ]; then kill "$(cat app.pid)" 2>/dev/null; sleep 0.2; fi; nohup python3 -m http.server ${port} --bind 127.0.0.1 --directory current/bin & echo $! > app.pid`; // its output: Eightfold's app log
  return [
    'targets:',
    '  production:',
    '    local: true',
    `    path: ${root}`,
    `    start: '${start}'`,
    `    health: {url: "http://127.0.0.1:${port}/version.txt", interval: 200ms, deadline: 20s}`,
    '',
  ].join('\n');
}

/** `eightfold dora --json` on the workspace, read while the server holds the database. */
function doraCLI(ws: Workspace, days: number): DoraReport {
  const r = spawnSync(eightfoldBinary(), ['dora', '--json', '--days', String(days), '--dir', ws.dir, '--home', ws.home], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`eightfold dora: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout) as DoraReport;
}

/** `eightfold status --json` on the workspace, read while the server holds the database. */
function statusCLI(ws: Workspace): StatusInfo {
  const r = spawnSync(eightfoldBinary(), ['status', '--json', '--dir', ws.dir, '--home', ws.home], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`eightfold status: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout) as StatusInfo;
}

/** The raw figure a tile holds, as the CLI's JSON gives it ("" for null). */
function raw(v: number | null): string {
  return v === null ? '' : String(v);
}

describe.skipIf(availability.skip)(availability.skip ? `monitor view (skipped: ${availability.reason})` : 'monitor view', () => {
  let browser: Browser;
  let ws: Workspace;
  let page: Page;
  let root: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    root = tempDir('monitor-production');
    const config = PIPELINE + productionTarget(root, await freePort());
    ws = await openWorkspace(browser, eightfoldBinary(), 'monitor', { '.gitignore': 'bin/\n', 'eightfold.yaml': config }, UI_TIMEOUT_MS);
    git(ws.dir, 'config', 'user.name', 'Mon Itor');
    git(ws.dir, 'config', 'user.email', 'mon@eightfold.invalid');
  });
  afterAll(async () => {
    stopApp(join(root, 'app.pid'));
    rmSync(root, { recursive: true, force: true });
    await closeWorkspace(ws);
    await browser?.close();
  });
  pagePerTest(() => ws, (p) => (page = p));

  /** Commits, runs, releases and deploys to production; returns the finished deploy. */
  async function ship(message: string): Promise<DeployInfo> {
    git(ws.dir, 'commit', '-q', '--allow-empty', '-m', message);
    await runGreen(ws.server);
    await callApi<ReleaseInfo>(ws.server, 'Release', [{ bump: '', dry_run: false, allow_dirty: false }]);
    const started = await callApi<DeployInfo>(ws.server, 'StartDeploy', [{ target: 'production', release: '', force_unlock: false, confirm: true }]);
    return deployDone(ws.server, started);
  }

  it('shows the DORA keys that eightfold dora --json computes, and drills down to the deploys', async () => {
    expect((await ship('feat: first feature')).status).toBe('succeeded');
    expect((await ship('fix: a fix')).status).toBe('succeeded');
    const back = await deployDone(ws.server, await callApi<DeployInfo>(ws.server, 'StartRollback', ['production', true, false]));
    expect(back.status).toBe('succeeded');

    await page.goto(ws.server.url.replace(/#.*$/, '') + '#/monitor');
    await page.locator('[data-testid=monitor-view][data-loaded=true]').waitFor();
    await page.locator('[data-testid=monitor-period] [data-period="30"]').click();
    const cli = doraCLI(ws, 30);
    // Two deploys reached production; the rollback undid the second: 1 of 2 failed.
    expect(cli.frequency.deploys).toBe(2);
    expect(cli.change_failure.failed).toBe(1);
    const tiles: Record<string, string> = {
      'dora-frequency': String(cli.frequency.per_week),
      'dora-lead-time': raw(cli.lead_time.median_ms),
      'dora-change-failure': raw(cli.change_failure.rate),
      'dora-restore': raw(cli.restore.median_ms),
    };
    for (const [id, value] of Object.entries(tiles)) {
      await expect.poll(() => page.getByTestId(id).getAttribute('data-value'), { timeout: UI_TIMEOUT_MS }).toBe(value);
    }
    expect(await page.getByTestId('dora-change-failure').getAttribute('data-band')).toBe(cli.change_failure.band);
    expect(await page.getByTestId('dora-frequency').getAttribute('data-band')).toBe(cli.frequency.band);
    await shot(page, 'monitor-dora');

    // The loop ring says what the terminal says: Monitor needs attention (half the changes
    // failed), and every stage's flag is the one of `eightfold status --json`.
    const status = statusCLI(ws);
    expect(status.stages.find((st) => st.id === 'monitor')?.attention).toBe(true);
    for (const st of status.stages) {
      await expect
        .poll(() => page.locator(`[data-testid=ring-stage][data-stage=${st.id}]`).getAttribute('data-attention'), { timeout: UI_TIMEOUT_MS })
        .toBe(String(st.attention));
    }

    await page.getByTestId('dora-change-failure').click();
    const drill = page.getByTestId('monitor-drill');
    await drill.waitFor();
    expect(await drill.getAttribute('data-count')).toBe(String(cli.deploys.length));
    expect(await drill.textContent()).toContain(`rollback #${back.id}`);
    await shot(page, 'monitor-drill');
  });

  it('shows in Operate what production runs after the rollback, follows its log and restarts it', async () => {
    await page.goto(ws.server.url.replace(/#.*$/, '') + '#/operate');
    await page.locator('[data-testid=operate-view][data-loaded=true]').waitFor();
    const target = page.locator('[data-testid=operate-target][data-name=production]');
    // The rollback went back to the first release.
    await expect.poll(() => target.getByTestId('operate-running').getAttribute('data-version')).toBe('0.1.0');
    expect(await target.getByTestId('operate-lock').getAttribute('data-held')).toBe('false');

    await target.getByTestId('logs-open').click();
    // http.server logs every request of the health checks to stderr: the app log has them.
    await expect.poll(() => target.getByTestId('logs-lines').textContent(), { timeout: UI_TIMEOUT_MS }).toContain('GET /version.txt');

    await target.getByTestId('operate-restart').click();
    await target.getByTestId('operate-confirm-yes').click();
    await target.locator('[data-testid=operate-result][data-ok=true]').waitFor();
    await shot(page, 'operate-production');
  });
});
