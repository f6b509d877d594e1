import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import { DeployState } from '../lib/deploy.svelte';
import { Workbench } from '../lib/workbench.svelte';
import { FakeDeploy, FakeGo, deployInfo, deployStep, project, releaseInfo, targetInfo, watchState } from '../testing/fake';
import DeployView from './DeployView.svelte';

const settle = async () => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
};

function start(fd = new FakeDeploy(), handlers: ConstructorParameters<typeof FakeGo>[0] = {}, deployId: number | null = null) {
  const go = fd.attach(new FakeGo({ Project: () => project(), Runs: () => [], WatchState: () => watchState(), ...fd.handlers(), ...handlers }));
  const wb = new Workbench(go.api());
  const deploy = new DeployState(wb.api, (err) => wb.report(err));
  const view = render(DeployView, { wb, deploy, deployId });
  return { go, wb, fd, deploy, view };
}

const calls = (go: FakeGo, method: string) => go.calls.filter((c) => c.method === method).map((c) => c.args);
const text = (el: Element) => el.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const card = (name: string) => screen.getAllByTestId('deploy-target').find((c) => c.dataset.name === name)!;
const inCard = (name: string) => within(card(name));
const btn = (name: string, testid: string) => inCard(name).getByTestId(testid) as HTMLButtonElement;
const steps = (name: string) => inCard(name).queryAllByTestId('deploy-step').map((s) => `${s.dataset.name}:${s.dataset.status}`);

const STAGING_LIVE = deployInfo({ id: 1, version: '1.2.0', who: 'ann@box', finished_at: new Date(Date.now() - 5 * 60_000).toISOString() });
const RELEASES = [
  releaseInfo({ id: 3, version: '1.3.0+dirty', tag: 'v1.3.0+dirty', dirty: true }),
  releaseInfo({ id: 2, version: '1.2.1', tag: 'v1.2.1' }),
  releaseInfo({ id: 1, version: '1.2.0', tag: 'v1.2.0' }),
];

describe('DeployView', () => {
  it('shows a card per target: where it is, what it runs and since when, its health URL', async () => {
    const { go } = start(new FakeDeploy(undefined, RELEASES, [STAGING_LIVE]));
    await settle();
    expect(screen.getByTestId('deploy-view').dataset.loaded).toBe('true');
    expect(screen.getAllByTestId('deploy-target').map((c) => c.dataset.name)).toEqual(['staging', 'production']);

    const staging = inCard('staging');
    expect(text(staging.getByTestId('deploy-where'))).toBe('ssh · deploy@203.0.113.10:22');
    expect(staging.queryByTestId('deploy-production')).toBeNull();
    const now = staging.getByTestId('deploy-current');
    expect(now.dataset.version).toBe('1.2.0');
    expect(text(now)).toBe('Runs 1.2.0 since 5m ago fedcba9 by ann@box');
    const health = staging.getByTestId('deploy-health-url');
    expect(health.textContent).toBe('http://127.0.0.1:8080/healthz');
    await fireEvent.click(health);
    expect(go.opened).toEqual(['http://127.0.0.1:8080/healthz']);

    const prod = inCard('production');
    expect(prod.getByTestId('deploy-production').textContent).toBe('production');
    expect(text(prod.getByTestId('deploy-promote-from'))).toBe('takes releases from staging');
    expect(text(prod.getByTestId('deploy-current'))).toBe('Nothing deployed yet.');
    expect(prod.queryByTestId('rollback-button')).toBeNull();
    expect(staging.getByTestId('rollback-button')).toBeTruthy();
    expect(staging.queryByTestId('promote-button')).toBeNull();
  });

  it('deploys the chosen release; the newest by default; a dirty one is marked, and not offered for production', async () => {
    const { go } = start(new FakeDeploy(undefined, RELEASES));
    await settle();
    const select = inCard('staging').getByTestId('deploy-release') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['v1.3.0+dirty', 'v1.2.1', 'v1.2.0', 'HEAD']);
    expect(select.value).toBe('v1.3.0+dirty');
    expect(select.options[0].textContent).toContain('uncommitted changes');
    expect(inCard('staging').getByTestId('deploy-release-dirty')).toBeTruthy();

    const prodSelect = inCard('production').getByTestId('deploy-release') as HTMLSelectElement;
    expect([...prodSelect.options].map((o) => o.value)).toEqual(['v1.2.1', 'v1.2.0']);
    expect(inCard('production').getByTestId('deploy-dirty-hidden').textContent).toContain('1 release of uncommitted changes not offered');

    await fireEvent.change(select, { target: { value: 'v1.2.0' } });
    expect(inCard('staging').queryByTestId('deploy-release-dirty')).toBeNull();
    await fireEvent.click(btn('staging', 'deploy-button'));
    await settle();
    expect(calls(go, 'StartDeploy')).toEqual([[{ target: 'staging', release: 'v1.2.0', force_unlock: false, confirm: false }]]);
    // Running: the buttons wait for it.
    expect(btn('staging', 'deploy-button').disabled).toBe(true);
    expect(inCard('staging').getByTestId('deploy-running').textContent).toContain('Deploying 1.2.0 to staging…');
  });

  it("deploys HEAD's green build to a target that is not production", async () => {
    const { go } = start(new FakeDeploy(undefined, RELEASES));
    await settle();
    const select = inCard('staging').getByTestId('deploy-release') as HTMLSelectElement;
    expect(inCard('production').queryByRole('option', { name: "HEAD's green build" })).toBeNull();
    await fireEvent.change(select, { target: { value: 'HEAD' } });
    await fireEvent.click(btn('staging', 'deploy-button'));
    await settle();
    expect(calls(go, 'StartDeploy')).toEqual([[{ target: 'staging', release: 'HEAD', force_unlock: false, confirm: false }]]);
  });

  it('has no Deploy to press without a release', async () => {
    start(new FakeDeploy(undefined, []));
    await settle();
    expect(btn('staging', 'deploy-button').disabled).toBe(true);
    expect(btn('staging', 'deploy-button').title).toBe('No release yet: make one in the Release view');
  });

  it('shows the steps and the upload live from deploy.updated, then success', async () => {
    const { fd } = start(new FakeDeploy());
    await settle();
    await fireEvent.click(btn('staging', 'deploy-button'));
    await settle();
    const id = fd.deploys[0].id;
    expect(inCard('staging').getByTestId('deploy-run').dataset.id).toBe(String(id));

    fd.step(id, { name: 'lock', status: 'passed', detail: 'locked by dev@laptop' });
    fd.progress(id, 1024 * 1024, 4 * 1024 * 1024);
    await tick();
    expect(steps('staging')).toEqual(['lock:passed', 'upload:running']);
    const progress = inCard('staging').getByTestId('deploy-progress');
    expect(progress.dataset.done).toBe(String(1024 * 1024));
    expect(progress.dataset.total).toBe(String(4 * 1024 * 1024));
    expect(text(progress)).toBe('1.0 MiB / 4.0 MiB');
    expect((progress.querySelector('progress') as HTMLProgressElement).value).toBe(1024 * 1024);
    fd.progress(id, 3 * 1024 * 1024, 4 * 1024 * 1024);
    await tick();
    expect(text(inCard('staging').getByTestId('deploy-progress'))).toBe('3.0 MiB / 4.0 MiB');

    fd.step(id, { name: 'upload', status: 'passed', detail: '1 sent (4194304 bytes), 0 unchanged and linked' });
    for (const name of ['link', 'switch', 'start', 'health']) fd.step(id, { name, status: 'passed' });
    fd.step(id, { name: 'before_switch', status: 'skipped' });
    await tick();
    expect(inCard('staging').queryByTestId('deploy-progress')).toBeNull();
    const upload = inCard('staging').getAllByTestId('deploy-step')[1];
    expect(text(upload)).toContain('Upload the artifacts passed 1 sent (4194304 bytes)');
    expect(steps('staging')).toEqual(['lock:passed', 'upload:passed', 'link:passed', 'switch:passed', 'start:passed', 'health:passed', 'before_switch:skipped']);

    fd.finish(id, 'succeeded', { log: '[start] ok\n', warnings: ['after_deploy exited with status 3 (the release is current and healthy all the same)'] });
    await settle();
    expect(inCard('staging').getByTestId('deploy-succeeded').textContent).toContain('Deployed 1.2.0 to staging in 4.2s.');
    expect(text(inCard('staging').getByTestId('deploy-warnings'))).toContain('after_deploy exited with status 3');
    expect(inCard('staging').queryByTestId('deploy-log')).toBeNull();
    expect(inCard('staging').getByTestId('deploy-current').dataset.version).toBe('1.2.0');
    expect(btn('staging', 'deploy-button').disabled).toBe(false);
    // Dismissed, the card is back to its buttons and history.
    await fireEvent.click(within(inCard('staging').getByTestId('deploy-succeeded')).getByRole('button', { name: 'Dismiss' }));
    expect(inCard('staging').queryByTestId('deploy-run')).toBeNull();
    expect(inCard('staging').getAllByTestId('deploy-history-item').map((i) => i.dataset.status)).toEqual(['succeeded']);
  });

  it('shows a failure with its text, the rollback and the log', async () => {
    const { fd } = start(new FakeDeploy());
    await settle();
    await fireEvent.click(btn('staging', 'deploy-button'));
    await settle();
    const id = fd.deploys[0].id;
    fd.step(id, { name: 'health', status: 'failed', detail: 'GET http://127.0.0.1:8080/healthz: 503' });
    fd.step(id, { name: 'rollback', status: 'passed' });
    fd.finish(id, 'failed', { failure: 'health check failed: 503 after 10s', rolled_back: true, log: '[start] listening\n[logs] panic: boom\n' });
    await settle();
    const run = inCard('staging').getByTestId('deploy-run');
    expect(run.dataset.status).toBe('failed');
    expect(within(run).getByTestId('deploy-failed').textContent).toContain('Deploy of 1.2.0 to staging failed');
    expect(within(run).getByTestId('deploy-failure-text').textContent).toBe('health check failed: 503 after 10s');
    expect(within(run).getByTestId('deploy-rolled-back').textContent).toContain('Rolled back');
    expect(steps('staging')).toEqual(['health:failed', 'rollback:passed']);
    const log = within(run).getByTestId('deploy-log');
    expect(log.tagName).toBe('PRE');
    expect(log.textContent).toBe('[start] listening\n[logs] panic: boom\n');
    expect(log.closest('details')?.open).toBe(true);
    expect(within(run).queryByTestId('trust-host-key')).toBeNull();
    expect(within(run).queryByTestId('force-unlock')).toBeNull();
  });

  it('shows the last deploy’s failure in red when the place opens', async () => {
    start(new FakeDeploy(undefined, undefined, [STAGING_LIVE, deployInfo({ id: 2, version: '1.2.1', status: 'failed', failure: 'start exited with 1' })]));
    await settle();
    const last = inCard('staging').getByTestId('deploy-last-failed');
    expect(last.dataset.id).toBe('2');
    expect(text(last)).toContain('Deploy of 1.2.1 failed');
    expect(within(last).getByTestId('deploy-failure-text').textContent).toBe('start exited with 1');
    expect(inCard('staging').getByTestId('deploy-current').dataset.version).toBe('1.2.0');
    expect(inCard('production').queryByTestId('deploy-last-failed')).toBeNull();
  });

  it('asks before deploying to production, naming the version and the target', async () => {
    const { go } = start(new FakeDeploy(undefined, RELEASES));
    await settle();
    await fireEvent.click(btn('production', 'deploy-button'));
    await settle();
    expect(calls(go, 'StartDeploy')).toEqual([]);
    const confirm = inCard('production').getByTestId('confirm-production');
    expect(text(confirm)).toContain('Deploy v1.2.1 to production (production)?');
    expect(btn('production', 'deploy-button').disabled).toBe(true);

    await fireEvent.click(within(confirm).getByTestId('confirm-no'));
    expect(inCard('production').queryByTestId('confirm-production')).toBeNull();
    expect(calls(go, 'StartDeploy')).toEqual([]);

    await fireEvent.click(btn('production', 'deploy-button'));
    await fireEvent.click(inCard('production').getByTestId('confirm-yes'));
    await settle();
    expect(calls(go, 'StartDeploy')).toEqual([[{ target: 'production', release: 'v1.2.1', force_unlock: false, confirm: true }]]);
    expect(inCard('production').queryByTestId('confirm-production')).toBeNull();
    expect(inCard('production').getByTestId('deploy-run').dataset.status).toBe('running');
  });

  it('shows why Go refused', async () => {
    const fd = new FakeDeploy();
    fd.refuse = { code: 'conflict', message: 'the secret API_TOKEN of target staging is not set: set the environment variable API_TOKEN' };
    start(fd);
    await settle();
    await fireEvent.click(btn('staging', 'deploy-button'));
    await settle();
    const err = inCard('staging').getByTestId('deploy-error');
    expect(err.textContent).toContain('the secret API_TOKEN of target staging is not set');
    expect(inCard('staging').queryByTestId('deploy-run')).toBeNull();
    await fireEvent.click(within(err).getByRole('button', { name: 'Dismiss' }));
    expect(inCard('staging').queryByTestId('deploy-error')).toBeNull();
  });

  it('promotes what the source runs, once it runs something, after a yes for production', async () => {
    const fd = new FakeDeploy(undefined, RELEASES);
    const { go } = start(fd);
    await settle();
    const promote = btn('production', 'promote-button');
    expect(promote.textContent).toBe('Promote from staging');
    expect(promote.disabled).toBe(true);
    expect(promote.title).toBe('staging runs nothing yet: deploy to it first');

    // staging gets 1.2.0 (from the terminal): the event brings it.
    const d = fd.deploy({ target: 'staging', release: '1.2.0', force_unlock: false, confirm: false });
    fd.finish(d.id, 'succeeded');
    await settle();
    expect(promote.disabled).toBe(false);
    await fireEvent.click(promote);
    await settle();
    expect(calls(go, 'StartPromote')).toEqual([]);
    const confirm = inCard('production').getByTestId('confirm-production');
    expect(confirm.dataset.kind).toBe('promote');
    expect(text(confirm)).toContain('Promote 1.2.0 from staging to production (production)?');
    await fireEvent.click(within(confirm).getByTestId('confirm-yes'));
    await settle();
    expect(calls(go, 'StartPromote')).toEqual([['staging', 'production', true, false]]);
    expect(inCard('production').getByTestId('deploy-running').textContent).toContain('Promoting 1.2.0 to production…');
  });

  it('rolls back a target that runs something: at once on staging, after a yes on production', async () => {
    const fd = new FakeDeploy(undefined, RELEASES, [
      deployInfo({ id: 1, version: '1.2.0' }),
      deployInfo({ id: 2, version: '1.2.1' }),
      deployInfo({ id: 3, target: 'production', kind: 'promote', version: '1.2.1' }),
    ]);
    const { go } = start(fd);
    await settle();
    await fireEvent.click(btn('staging', 'rollback-button'));
    await settle();
    expect(calls(go, 'StartRollback')).toEqual([['staging', false, false]]);
    const id = fd.deploys[0].id;
    expect(inCard('staging').getByTestId('deploy-running').textContent).toContain('Rolling staging back…');
    fd.finish(id, 'succeeded');
    await settle();
    expect(inCard('staging').getByTestId('deploy-succeeded').textContent).toContain('Rolled staging back to 1.2.0');
    expect(inCard('staging').getByTestId('deploy-current').dataset.version).toBe('1.2.0');

    await fireEvent.click(btn('production', 'rollback-button'));
    const confirm = inCard('production').getByTestId('confirm-production');
    expect(text(confirm)).toContain('Roll back production (production) from 1.2.1 to its previous release?');
    await fireEvent.click(within(confirm).getByTestId('confirm-yes'));
    await settle();
    expect(calls(go, 'StartRollback')).toEqual([
      ['staging', false, false],
      ['production', true, false],
    ]);
  });

  it('offers to trust an unknown host key, then deploys again', async () => {
    const { go, fd } = start(new FakeDeploy());
    await settle();
    await fireEvent.click(btn('staging', 'deploy-button'));
    await settle();
    const first = fd.deploys[0].id;
    fd.step(first, { name: 'lock', status: 'failed' });
    fd.finish(first, 'failed', {
      failure: 'the host key of 203.0.113.10:22 is not known: check its fingerprint SHA256:q0PMa4bUa+Ph2nJ9Wc5Y3b7 and trust it',
      host_key: 'SHA256:q0PMa4bUa+Ph2nJ9Wc5Y3b7',
    });
    await settle();
    const prompt = inCard('staging').getByTestId('deploy-host-key');
    const fp = within(prompt).getByTestId('deploy-host-key-fingerprint');
    expect(fp.tagName).toBe('CODE');
    expect(fp.textContent).toBe('SHA256:q0PMa4bUa+Ph2nJ9Wc5Y3b7');
    expect(prompt.textContent).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');

    await fireEvent.click(within(prompt).getByTestId('trust-host-key'));
    await settle();
    expect(calls(go, 'TrustHostKey')).toEqual([['staging', 'SHA256:q0PMa4bUa+Ph2nJ9Wc5Y3b7']]);
    expect(fd.trusted).toEqual(['staging SHA256:q0PMa4bUa+Ph2nJ9Wc5Y3b7']);
    expect(calls(go, 'StartDeploy')).toEqual([
      [{ target: 'staging', release: 'v1.2.0', force_unlock: false, confirm: false }],
      [{ target: 'staging', release: '1.2.0', force_unlock: false, confirm: false }],
    ]);
    const trustAt = go.calls.findIndex((c) => c.method === 'TrustHostKey');
    expect(go.calls.findLastIndex((c) => c.method === 'StartDeploy')).toBeGreaterThan(trustAt);
    const run = inCard('staging').getByTestId('deploy-run');
    expect(run.dataset.id).toBe(String(first + 1));
    expect(run.dataset.status).toBe('running');
    expect(inCard('staging').queryByTestId('deploy-host-key')).toBeNull();
  });

  it('offers to force a stale lock, with a yes first, and deploys the same release again', async () => {
    const locked =
      'staging is locked by ann@box, who started a deploy of 1.1.0 3h0m0s ago; wait for it, or if it is stale (the deploy died), unlock with --force-unlock';
    const { go, fd } = start(new FakeDeploy());
    await settle();
    await fireEvent.click(btn('staging', 'deploy-button'));
    await settle();
    const first = fd.deploys[0].id;
    fd.step(first, { name: 'lock', status: 'failed', detail: locked });
    fd.finish(first, 'failed', { failure: locked });
    await settle();
    expect(inCard('staging').getByTestId('deploy-failure-text').textContent).toContain('locked by ann@box');
    await fireEvent.click(btn('staging', 'force-unlock'));
    await settle();
    expect(calls(go, 'StartDeploy')).toHaveLength(1);
    const confirm = inCard('staging').getByTestId('confirm-force-unlock');
    expect(text(confirm)).toContain('Deploy 1.2.0 to staging? The target’s deploy lock is removed first');
    await fireEvent.click(within(confirm).getByTestId('confirm-yes'));
    await settle();
    expect(calls(go, 'StartDeploy')[1]).toEqual([{ target: 'staging', release: '1.2.0', force_unlock: true, confirm: true }]);
    expect(inCard('staging').getByTestId('deploy-run').dataset.id).toBe(String(first + 1));
  });

  it('lists each target’s deploys newest first and opens one’s steps and log', async () => {
    const fd = new FakeDeploy(undefined, RELEASES, [
      deployInfo({ id: 1, version: '1.2.0', who: 'ann@box' }),
      deployInfo({
        id: 2,
        version: '1.2.1',
        status: 'failed',
        failure: 'health check failed',
        steps: [deployStep({ name: 'lock' }), deployStep({ name: 'health', status: 'failed', detail: '503' })],
        log: '[health] 503\n',
      }),
      deployInfo({ id: 3, target: 'production', kind: 'promote', version: '1.2.0' }),
    ]);
    const opened: (number | null)[] = [];
    const go = fd.attach(new FakeGo({ ...fd.handlers() }));
    const wb = new Workbench(go.api());
    const deploy = new DeployState(wb.api, (err) => wb.report(err));
    const view = render(DeployView, { wb, deploy, deployId: null, onopen: (id: number | null) => opened.push(id) });
    await settle();
    const items = inCard('staging').getAllByTestId('deploy-history-item');
    expect(items.map((i) => i.dataset.id)).toEqual(['2', '1']);
    expect(text(items[0])).toBe('✗ Deploy 1.2.1 failed dev@laptop 2025-03-01 12.0s');
    expect(items[0].getAttribute('href')).toBe('#/deploy/2');
    expect(text(inCard('production').getByTestId('deploy-history-item'))).toContain('Promotion 1.2.0 succeeded');

    await fireEvent.click(items[0]);
    expect(opened).toEqual([2]);
    // The route follows (App does this): the detail opens.
    await view.rerender({ wb, deploy, deployId: 2, onopen: (id: number | null) => opened.push(id) });
    await settle();
    const detail = screen.getByTestId('deploy-detail');
    expect(detail.dataset.id).toBe('2');
    expect(calls(go, 'GetDeploy')).toEqual([[2]]);
    expect(text(within(detail).getByRole('heading'))).toBe('Deploy #2 · 1.2.1 → staging');
    expect(within(detail).getAllByTestId('deploy-step').map((s) => s.dataset.status)).toEqual(['passed', 'failed']);
    expect(within(detail).getByTestId('deploy-log').textContent).toBe('[health] 503\n');
    expect(screen.queryByTestId('deploy-target')).toBeNull();
    await fireEvent.click(within(detail).getByTestId('deploy-detail-close'));
    expect(opened).toEqual([2, null]);
  });

  it('shows a successful deploy’s log in its detail, and says when a deploy does not exist', async () => {
    const { wb, deploy, view } = start(new FakeDeploy(undefined, undefined, [deployInfo({ id: 1, log: '[start] ok\n' })]), {}, 1);
    await settle();
    expect(screen.getByTestId('deploy-log').textContent).toBe('[start] ok\n');
    expect(screen.getByTestId('deploy-succeeded')).toBeTruthy();
    await view.rerender({ wb, deploy, deployId: 99 });
    await settle();
    expect(screen.getByTestId('deploy-detail-error').textContent).toBe('deploy 99 does not exist');
  });

  it('explains targets with an example when eightfold.yaml has none', async () => {
    start(new FakeDeploy([]));
    await settle();
    expect(screen.getByTestId('deploy-view').dataset.loaded).toBe('true');
    const empty = screen.getByTestId('deploy-empty');
    expect(empty.textContent).toContain('docs/config.md');
    const yaml = within(empty).getByTestId('deploy-empty-example').textContent ?? '';
    expect(yaml).toMatch(/^targets:\n {2}staging:\n {4}local: true\n {4}path: /);
    expect(screen.queryByTestId('deploy-target')).toBeNull();
  });

  it('says why the targets cannot be listed', async () => {
    start(new FakeDeploy(), { Targets: () => Promise.reject({ code: 'conflict', message: 'eightfold.yaml:9:5: targets.staging: unknown key "heath"' }) });
    await settle();
    expect(screen.getByTestId('deploy-load-error').textContent).toContain('unknown key "heath"');
  });

  it('a local target shows as local', async () => {
    start(new FakeDeploy([targetInfo({ name: 'demo', kind: 'local', host: 'local', path: '/tmp/app-deploy', health_url: '' })]));
    await settle();
    expect(text(inCard('demo').getByTestId('deploy-where'))).toBe('local');
    expect(inCard('demo').queryByTestId('deploy-health-url')).toBeNull();
  });
});

describe('App: the Deploy place', () => {
  beforeEach(() => {
    history.replaceState(null, '', '#/build');
  });

  it('shows the Deploy view even while Go lists Deploy as not ready, and follows #/deploy/<id>', async () => {
    const fd = new FakeDeploy(undefined, undefined, [deployInfo({ id: 4, log: '[start] ok\n' })]);
    const go = fd.attach(new FakeGo({ Project: () => project(), Runs: () => [], WatchState: () => watchState(), ...fd.handlers() }));
    render(App, { wb: new Workbench(go.api()) });
    await settle();
    expect(screen.getByTestId('nav-deploy').textContent).not.toContain('soon');
    history.replaceState(null, '', '#/deploy');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await settle();
    expect(screen.getByTestId('deploy-view').dataset.loaded).toBe('true');
    expect(screen.queryByTestId('place-note')).toBeNull();
    expect(calls(go, 'GetRun')).toEqual([]);

    // Opening a deploy from the history puts it in the route.
    await fireEvent.click(inCard('staging').getByTestId('deploy-history-item'));
    await settle();
    expect(location.hash).toBe('#/deploy/4');
    expect(screen.getByTestId('deploy-detail').dataset.id).toBe('4');
    await fireEvent.click(screen.getByTestId('deploy-detail-close'));
    await settle();
    expect(location.hash).toBe('#/deploy');
    expect(screen.queryByTestId('deploy-detail')).toBeNull();

    // A link to a deploy opens it.
    history.replaceState(null, '', '#/deploy/4');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await settle();
    expect(screen.getByTestId('deploy-detail').dataset.id).toBe('4');
    expect(screen.getByTestId('deploy-log').textContent).toBe('[start] ok\n');
  });
});
