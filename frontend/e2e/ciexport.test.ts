// End to end: the pipeline exported to GitHub Actions from the Build place's "Run on CI" view,
// on the real `eightfold serve` and a real repository: the preview is exactly the file written
// to disk, a hand edit is seen and overwritten only once "Overwrite my edits" is ticked. Then
// the Deploy view of a target with several hosts (its rollout's outcome put into the replies:
// a real rollout needs sshd, which only the Go tests run).

import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployInfo, HostInfo, TargetInfo } from '../src/lib/types';
import { browserAvailability, eightfoldBinary, launchBrowser } from './helpers';
import { closeWorkspace, openWorkspace, pagePerTest, shot, type Workspace } from './workspace';

const UI_TIMEOUT_MS = 10_000;
const availability = browserAvailability();
const WORKFLOW = '.github/workflows/eightfold.yml';

const CONFIG = [
  'steps:',
  '  - name: build',
  '    run: mkdir -p bin && echo app > bin/app',
  '    artifacts: [bin/app]',
  '  - name: test',
  '    run: go test -json ./...',
  '    report: go-test-json',
  'targets:',
  '  staging:',
  '    ssh: deploy@203.0.113.10:22',
  '    path: /srv/app',
  '    start: systemctl --user restart app',
  '  production:',
  '    hosts: [deploy@10.0.0.11, deploy@10.0.0.12, "deploy@10.0.0.13:2222"]',
  '    path: /srv/app',
  '    start: systemctl --user restart app',
  '    promote_from: staging',
  '  dev:',
  '    local: true',
  '    path: /tmp/eightfold-e2e-ci-dev',
  'ci:',
  '  install: go install example.com/eightfold@v0.4.0',
  '',
].join('\n');

const HOSTS = ['deploy@10.0.0.11', 'deploy@10.0.0.12', 'deploy@10.0.0.13:2222'];
const OLD = '20261126T081502.114Z-0.4.0';
const NEW = '20261126T090000.000Z-0.4.1';
const UNHEALTHY = 'unhealthy: http://10.0.0.12:8080/healthz not healthy within 45s: status 503';

/** The rollout of 0.4.1 that failed on the second host (docs/deploy-vps.md, section 10). */
function failedRollout(target: TargetInfo): DeployInfo {
  const host = (h: string, state: string, over: Partial<HostInfo>): HostInfo => ({
    host: h, state, release: NEW, version: '0.4.1', previous: OLD, previous_version: '0.4.0', current: OLD, failure: '', took_ms: 0, ...over,
  });
  return {
    id: 12, target: target.name, kind: 'deploy', release_id: 4, version: '0.4.1', commit: '0123456789abcdef0123456789abcdef01234567',
    who: 'ann@laptop', host: target.host, status: 'failed', failure: `${HOSTS[1]}: ${UNHEALTHY}`, host_key: '', release_dir: NEW,
    rolled_back: true, uploaded: 2, linked: 0, uploaded_bytes: 4096, total_bytes: 4096, log: '', warnings: [],
    started_at: new Date(Date.now() - 90_000).toISOString(), finished_at: new Date(Date.now() - 30_000).toISOString(),
    steps: [
      { host: HOSTS[0], name: 'health', status: 'passed', detail: 'status 200 after 3 attempt(s)', done: 0, total: 0 },
      { host: HOSTS[1], name: 'health', status: 'failed', detail: UNHEALTHY, done: 0, total: 0 },
      { host: HOSTS[0], name: 'rollback', status: 'passed', detail: `releases/${OLD} is current again, started and healthy`, done: 0, total: 0 },
    ],
    hosts: [
      host(HOSTS[0], 'rolled back', { took_ms: 9_800 }),
      host(HOSTS[1], 'failed', { failure: UNHEALTHY, took_ms: 47_100 }),
      host(HOSTS[2], 'untouched', { release: '', version: '', took_ms: 0 }),
    ],
  };
}

/** Answers a call with the server's own reply, changed by patch. */
async function patched<T>(route: Route, patch: (reply: T, args: unknown[]) => T): Promise<void> {
  const res = await route.fetch();
  const args = JSON.parse(route.request().postData() ?? '[]') as unknown[];
  await route.fulfill({ response: res, json: patch((await res.json()) as T, args) });
}

describe.skipIf(availability.skip)(
  availability.skip ? `CI export (skipped: ${availability.reason})` : 'CI export',
  () => {
    let browser: Browser;
    let ws: Workspace;
    let page: Page;

    beforeAll(async () => {
      browser = await launchBrowser();
      ws = await openWorkspace(
        browser,
        eightfoldBinary(),
        'ciexport',
        {
          '.gitignore': 'bin/\n',
          'eightfold.yaml': CONFIG,
          'go.mod': 'module example.com/demo\n\ngo 1.22\n',
          'demo.go': 'package demo\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n',
          'demo_test.go': 'package demo\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(2, 3) != 5 {\n\t\tt.Fatal("2+3")\n\t}\n}\n',
        },
        UI_TIMEOUT_MS,
      );
    });
    afterAll(async () => {
      await closeWorkspace(ws);
      await browser?.close();
    });
    pagePerTest(() => ws, (p) => (page = p));

    /** Opens Build & Test's "Run on CI" view and waits for the preview with this status. */
    async function openExport(status: string): Promise<void> {
      await page.getByTestId('view-ci').click();
      await page.locator(`[data-testid=ci-export][data-status="${status}"]`).waitFor();
    }

    it('previews GitHub Actions, writes exactly that, then overwrites a hand edit once confirmed', async () => {
      await page.goto(ws.server.url.replace(/#.*$/, '') + '#/build');
      await openExport('new');
      expect(await page.getByTestId('ci-export-path').textContent()).toBe(WORKFLOW);
      expect(await page.getByTestId('ci-export-status').textContent()).toBe('new');
      expect(await page.getByTestId('ci-export-notes').textContent()).toContain('dev');
      const preview = page.getByTestId('ci-export-content');
      const content = (await preview.textContent()) ?? '';
      expect(content).toContain('actions/setup-go');
      expect(content).toContain('eightfold deploy staging');
      expect(Number(await preview.getAttribute('data-lines'))).toBe(content.split('\n').length - 1);
      const write = page.getByTestId('ci-export-write');
      expect(await write.textContent()).toBe(`Write ${WORKFLOW}`);
      await shot(page, 'ci-export-preview');

      await write.click();
      await page.locator('[data-testid=ci-export][data-status=unchanged]').waitFor();
      expect(await page.getByTestId('ci-export-done').textContent()).toContain(`Wrote ${WORKFLOW}`);
      const file = join(ws.dir, WORKFLOW);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(content);
      expect(await write.isDisabled()).toBe(true);
      await shot(page, 'ci-export-written');

      // Edited by hand in an editor; back in the view, it says so and will not write by itself.
      appendFileSync(file, '# run the nightly job too\n');
      await page.getByTestId('view-runs').click();
      await openExport('hand-edited');
      expect(await page.getByTestId('ci-export-explain').textContent()).toContain('changed by hand');
      expect(await write.isDisabled()).toBe(true);
      await shot(page, 'ci-export-hand-edited');

      await page.getByTestId('ci-export-overwrite').check();
      await write.click();
      await page.locator('[data-testid=ci-export][data-status=unchanged]').waitFor();
      expect(await page.getByTestId('ci-export-done').textContent()).toContain(`Overwrote the hand edits in ${WORKFLOW}`);
      expect(readFileSync(file, 'utf8')).toBe(content);
    });

    it('is reachable by keyboard: the arrows choose GitLab CI, and its file is previewed', async () => {
      await page.goto(ws.server.url.replace(/#.*$/, '') + '#/build');
      await page.getByTestId('view-ci').focus();
      await page.keyboard.press('Enter');
      await page.locator('[data-testid=ci-export][data-status]:not([data-status=""])').waitFor();
      await page.getByTestId('ci-engine-github-actions').focus();
      await page.keyboard.press('ArrowRight');
      await page.locator('[data-testid=ci-export][data-engine=gitlab-ci][data-status=new]').waitFor();
      expect(await page.getByTestId('ci-export-path').textContent()).toBe('.gitlab-ci.yml');
      expect(await page.getByTestId('ci-export-content').textContent()).toContain('stages:');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('ci-export-write');
      await shot(page, 'ci-export-gitlab');
    });

    it("shows a target's hosts with their versions, and each host's state in its last rollout", async () => {
      let rollout: DeployInfo | null = null;
      await page.route('**/api/Targets', (route) =>
        patched<TargetInfo[]>(route, (targets) =>
          targets.map((t) => {
            if (!t.hosts?.length) return t;
            rollout = failedRollout(t);
            const versions = ['0.4.0', '0.4.0', '0.3.9'];
            const current: DeployInfo = { ...rollout, id: 11, version: '0.4.0', release_dir: OLD, status: 'succeeded', failure: '', rolled_back: false, steps: [], hosts: [] };
            return { ...t, current, last: rollout, hosts: t.hosts.map((h, i) => ({ ...h, version: versions[i], release: `r-${versions[i]}` })) };
          }),
        ),
      );
      await page.route('**/api/Deploys', (route) =>
        patched<DeployInfo[]>(route, (list, [target]) => (target === 'production' && rollout ? [rollout] : list)),
      );
      await page.route('**/api/GetDeploy', async (route) => {
        const [id] = JSON.parse(route.request().postData() ?? '[]') as number[];
        if (rollout && id === rollout.id) await route.fulfill({ json: rollout });
        else await route.continue();
      });
      await page.goto(ws.server.url.replace(/#.*$/, '') + '#/deploy');
      await page.locator('[data-testid=deploy-view][data-loaded=true]').waitFor();
      const card = page.locator('[data-testid=deploy-target][data-name=production]');
      // The real server's Targets: the three hosts of eightfold.yaml, in their order.
      expect(await card.getByTestId('target-host').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-host')))).toEqual(HOSTS);
      expect(await card.getByTestId('deploy-where').textContent()).toBe('ssh · 3 hosts');
      expect(await card.getByTestId('target-hosts-mixed').textContent()).toContain('on different versions');
      expect(await card.locator('[data-testid=target-host][data-differs=true]').getAttribute('data-host')).toBe(HOSTS[2]);
      expect(await page.locator('[data-testid=deploy-target][data-name=staging] [data-testid=target-hosts]').count()).toBe(0);

      // The last rollout's detail: one row per host with its state.
      await card.getByTestId('deploy-last-failed').locator('a').click();
      const detail = page.getByTestId('deploy-detail');
      await detail.waitFor();
      const rows = detail.getByTestId('deploy-host');
      expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).toEqual(['rolled back', 'failed', 'untouched']);
      expect(await rows.nth(1).getByTestId('deploy-host-failure').textContent()).toBe(UNHEALTHY);
      await shot(page, 'deploy-hosts-detail');
      await page.getByTestId('deploy-detail-close').click();
      await card.scrollIntoViewIfNeeded();
      await shot(page, 'deploy-hosts');
    });
  },
);
