// End to end: a release from the Release view of the browser face, on the real `eightfold
// serve` and a real git repository: the tag is annotated with the changelog (asked of the git
// CLI), the artifact is kept, and the card that the released commit closes moves to Released.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardInfo } from '../src/lib/types';
import { browserAvailability, callApi, eightfoldBinary, git, launchBrowser, tempDir } from './helpers';
import { closeWorkspace, freePort, gitOut, openWorkspace, pagePerTest, runGreen, shot, stopApp, type Workspace } from './workspace';

const UI_TIMEOUT_MS = 10_000;
const RUN_TIMEOUT_MS = 30_000;
const availability = browserAvailability();

const PIPELINE = 'steps:\n  - name: build\n    run: mkdir -p bin && echo app > bin/app && git log -1 --format=%s > bin/version.txt\n    artifacts: [bin/app, bin/version.txt]\n';

/** A local staging target that serves its current release with Python's http.server. */
function stagingTarget(root: string, port: number): string {
  const start = `if [ -f app.pid ]; then kill "$(cat app.pid)" 2>/dev/null; sleep 0.2; fi; nohup python3 -m http.server ${port} --bind 127.0.0.1 --directory current/bin > app.log 2>&1 & echo $! > app.pid`;
  return [
    'targets:',
    '  staging:',
    '    local: true',
    `    path: ${root}`,
    `    start: '${start}'`,
    `    health: {url: "http://127.0.0.1:${port}/app", body: app, interval: 200ms, deadline: 20s}`,
    '',
  ].join('\n');
}

describe.skipIf(availability.skip)(
  availability.skip ? `release view (skipped: ${availability.reason})` : 'release view',
  () => {
    let browser: Browser;
    let ws: Workspace;
    let page: Page;
    let stagingRoot: string;
    let stagingPort: number;

    beforeAll(async () => {
      browser = await launchBrowser();
      stagingRoot = tempDir('release-staging');
      stagingPort = await freePort();
      const config = PIPELINE + stagingTarget(stagingRoot, stagingPort);
      ws = await openWorkspace(browser, eightfoldBinary(), 'release', { '.gitignore': 'bin/\n', 'eightfold.yaml': config }, UI_TIMEOUT_MS);
      // The tagger comes from the repository's git config.
      git(ws.dir, 'config', 'user.name', 'Rel Ease');
      git(ws.dir, 'config', 'user.email', 'rel@eightfold.invalid');
    });
    afterAll(async () => {
      stopApp(join(stagingRoot, 'app.pid'));
      rmSync(stagingRoot, { recursive: true, force: true });
      await closeWorkspace(ws);
      await browser?.close();
    });
    pagePerTest(() => ws, (p) => (page = p));

    it('releases from the Release view: tag, artifact, and the card moves to Released', async () => {
      const card = await callApi<CardInfo>(ws.server, 'AddCard', [{ title: 'Export orders as CSV' }]);
      git(ws.dir, 'commit', '-q', '--allow-empty', '-m', `feat(export): orders as CSV\n\nCloses #${card.number}`);
      const run = await runGreen(ws.server);

      await page.goto(ws.server.url.replace(/#.*$/, '') + '#/release');
      await page.locator('[data-testid=release-view][data-loaded=true]').waitFor();
      await expect.poll(() => page.getByTestId('release-version').textContent()).toContain('v0.1.0');
      expect(await page.getByTestId('release-blocker').count()).toBe(0);
      expect(await page.getByTestId('release-entry').filter({ hasText: 'orders as CSV' }).count()).toBe(1);
      expect(await page.getByTestId('release-artifact').count()).toBe(2);
      expect(await page.getByTestId('release-artifact').first().textContent()).toContain('bin/app');
      expect(await page.getByTestId('release-changelog').textContent()).toContain('orders as CSV');
      await shot(page, 'release-preview');

      await page.getByTestId('release-button').click();
      const item = page.locator('[data-testid=release-item][data-version="0.1.0"]');
      await item.waitFor();
      expect(await item.textContent()).toContain(`#${run.id}`);
      await expect.poll(() => page.getByTestId('release-version').textContent()).toContain('Nothing to release');
      await shot(page, 'release-done');

      // The git CLI sees an annotated tag with the changelog as its message.
      expect(gitOut(ws.dir, 'cat-file', '-t', 'v0.1.0')).toBe('tag');
      expect(gitOut(ws.dir, 'describe', '--tags')).toBe('v0.1.0');
      expect(gitOut(ws.dir, 'tag', '-n99', 'v0.1.0')).toContain('orders as CSV');
      expect(gitOut(ws.dir, 'cat-file', '-p', 'v0.1.0')).toContain('tagger Rel Ease <rel@eightfold.invalid>');

      await page.goto(ws.server.url.replace(/#.*$/, '') + '#/plan');
      await page
        .locator(`[data-testid=board-column][data-name="Released"] [data-testid=board-card][data-key="${card.key}"]`)
        .waitFor();
    });

    it('deploys the release to a local staging target from the Deploy view, and the new version answers', async () => {
      await page.goto(ws.server.url.replace(/#.*$/, '') + '#/deploy');
      await page.locator('[data-testid=deploy-view][data-loaded=true]').waitFor();
      const target = page.locator('[data-testid=deploy-target][data-name=staging]');
      await target.getByTestId('deploy-button').click();
      await target.locator('[data-testid=deploy-run][data-status=succeeded]').waitFor({ timeout: RUN_TIMEOUT_MS });
      expect(await target.locator('[data-testid=deploy-step][data-name=health]').getAttribute('data-status')).toBe('passed');
      await shot(page, 'deploy-done');

      const res = await fetch(`http://127.0.0.1:${stagingPort}/version.txt`);
      expect((await res.text()).trim()).toBe('feat(export): orders as CSV');
      await page.goto(ws.server.url.replace(/#.*$/, '') + '#/plan');
      await page.locator(`[data-testid=board-column][data-name="Staging"] [data-testid=board-card][data-key="#1"]`).waitFor();
    });
  },
);
