import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import { ReleaseState } from '../lib/release.svelte';
import type { ReleaseInfo, ReleaseOptions } from '../lib/types';
import { Workbench } from '../lib/workbench.svelte';
import {
  FakeGo,
  FakeRelease,
  artifact,
  project,
  releaseEntry,
  releaseInfo,
  releasePreview,
  run,
  watchState,
} from '../testing/fake';
import ReleaseView from './ReleaseView.svelte';

const settle = async () => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
};

function start(fr = new FakeRelease(), handlers: ConstructorParameters<typeof FakeGo>[0] = {}) {
  const go = new FakeGo({ Project: () => project(), Runs: () => [], WatchState: () => watchState(), ...fr.handlers(), ...handlers });
  const wb = new Workbench(go.api());
  const release = new ReleaseState(wb.api, (err) => wb.report(err));
  render(ReleaseView, { wb, release });
  return { go, wb, fr, release };
}

const button = () => screen.getByTestId('release-button') as HTMLButtonElement;
const calls = (go: FakeGo, method: string) => go.calls.filter((c) => c.method === method);
const text = (el: Element) => el.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const cells = (row: HTMLElement) => [...(row as HTMLTableRowElement).cells].map(text);

describe('ReleaseView', () => {
  it('shows the preview: version, since, reason, commits, checks, changelog and artifacts', async () => {
    const fr = new FakeRelease(
      releasePreview({
        entries: [
          releaseEntry({ sha: 'c'.repeat(40), subject: 'drop the v1 API', type: 'feat', breaking: true, cards: ['APP-3', 'APP-4'] }),
          releaseEntry({ sha: 'd'.repeat(40), subject: 'round prices', type: 'fix', cards: null }),
        ],
        artifacts: [artifact({ path: 'bin/app', size: 5_242_880 }), artifact({ step: 'package', pattern: 'dist/*.tar.gz', path: '', size: 0 })],
        blockers: [{ code: 'artifact_missing', message: 'artifact dist/*.tar.gz of step package matches no file' }],
      }),
    );
    const { go } = start(fr);
    await settle();
    const view = screen.getByTestId('release-view');
    expect(view.dataset.loaded).toBe('true');
    expect(calls(go, 'ReleasePreview')[0].args).toEqual(['']);
    expect(text(screen.getByTestId('release-version'))).toBe('v1.3.0');
    expect(screen.getByTestId('release-since').textContent).toBe('since v1.2.0');
    expect(screen.getByTestId('release-reason').textContent).toBe('feat: in 1 commit');

    const entries = screen.getAllByTestId('release-entry');
    expect(entries).toHaveLength(2);
    expect(text(entries[0])).toBe('ccccccc feat BREAKING drop the v1 API APP-3 APP-4');
    expect(entries[0].dataset.breaking).toBe('true');
    expect(entries[0].classList.contains('breaking')).toBe(true);
    expect(entries[1].dataset.type).toBe('fix');
    expect(entries[1].dataset.breaking).toBe('false');

    const link = within(screen.getByTestId('release-run')).getByTestId('release-run-link') as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe('#/build/7');
    expect(screen.getByTestId('release-run').textContent).toContain('passed');

    const blockers = screen.getAllByTestId('release-blocker');
    expect(blockers.map((b) => b.dataset.code)).toEqual(['artifact_missing']);
    expect(blockers[0].textContent).toContain('matches no file');

    expect(screen.getByTestId('release-changelog').innerHTML).toContain('<h3>Features</h3>');

    const arts = screen.getAllByTestId('release-artifact');
    expect(arts.map((a) => a.dataset.missing)).toEqual(['false', 'true']);
    expect(cells(arts[0])).toEqual(['bin/app', 'build', '5.0 MiB']);
    expect(cells(arts[1])).toEqual(['✗ nothing matches dist/*.tar.gz', 'package', '–']);
    expect(arts[1].classList.contains('missing')).toBe(true);

    expect(button().disabled).toBe(true);
    expect(button().title).toContain('matches no file');
  });

  it('enables Release when nothing is in the way', async () => {
    start();
    await settle();
    expect(screen.queryAllByTestId('release-blocker')).toHaveLength(0);
    expect(screen.getByTestId('release-ready')).toBeTruthy();
    expect(button().disabled).toBe(false);
    expect(text(button())).toBe('Release v1.3.0');
  });

  it('asks for the preview of the chosen bump, and checks a typed version lightly', async () => {
    const { go } = start();
    await settle();
    await fireEvent.click(screen.getByTestId('release-bump-major'));
    await settle();
    expect(calls(go, 'ReleasePreview').at(-1)?.args).toEqual(['major']);
    expect(text(screen.getByTestId('release-version'))).toBe('v2.0.0');
    expect(screen.getByTestId('release-bump-major').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('release-bump-auto').getAttribute('aria-pressed')).toBe('false');

    await fireEvent.click(screen.getByTestId('release-bump-patch'));
    await settle();
    expect(calls(go, 'ReleasePreview').at(-1)?.args).toEqual(['patch']);
    expect(text(screen.getByTestId('release-version'))).toBe('v1.2.1');

    const input = screen.getByTestId('release-bump-version');
    await fireEvent.input(input, { target: { value: 'banana' } });
    await fireEvent.submit(input.closest('form')!);
    await settle();
    const before = calls(go, 'ReleasePreview').length;
    expect(screen.getByTestId('release-bump-problem').textContent).toContain('not a version');
    expect(button().disabled).toBe(true);

    await fireEvent.input(input, { target: { value: ' 2.5.0 ' } });
    await fireEvent.submit(input.closest('form')!);
    await settle();
    expect(calls(go, 'ReleasePreview')).toHaveLength(before + 1);
    expect(calls(go, 'ReleasePreview').at(-1)?.args).toEqual(['2.5.0']);
    expect(screen.queryByTestId('release-bump-problem')).toBeNull();
    expect(text(screen.getByTestId('release-version'))).toBe('v2.5.0');
    expect(button().disabled).toBe(false);

    // Go checks for real: an older version is refused, and Release waits for a good one.
    await fireEvent.input(input, { target: { value: '1.0.0' } });
    await fireEvent.submit(input.closest('form')!);
    await settle();
    expect(screen.getByTestId('release-preview-error').textContent).toBe('version 1.0.0 is not newer than 1.2.0');
    expect(button().disabled).toBe(true);

    await fireEvent.click(screen.getByTestId('release-bump-auto'));
    await settle();
    expect(calls(go, 'ReleasePreview').at(-1)?.args).toEqual(['']);
    expect(screen.queryByTestId('release-preview-error')).toBeNull();
    expect(text(screen.getByTestId('release-version'))).toBe('v1.3.0');
  });

  it('releases with the chosen bump: busy while it goes, then a notice and the release on top of the list', async () => {
    const fr = new FakeRelease();
    let finish: () => void = () => {};
    const { go } = start(fr, {
      Release: (opts: unknown) =>
        new Promise<ReleaseInfo>((resolve) => (finish = () => resolve(fr.release(opts as ReleaseOptions)))),
    });
    await settle();
    expect(screen.getAllByTestId('release-item').map((r) => r.dataset.version)).toEqual(['1.2.0']);
    await fireEvent.click(screen.getByTestId('release-bump-minor'));
    await settle();
    await fireEvent.click(button());
    await tick();
    expect(text(button())).toBe('Releasing…');
    expect(button().getAttribute('aria-busy')).toBe('true');
    expect(button().disabled).toBe(true);
    expect((screen.getByTestId('release-dry-run') as HTMLButtonElement).disabled).toBe(true);

    finish();
    await settle();
    expect(calls(go, 'Release')[0].args).toEqual([expect.objectContaining({ bump: 'minor', dry_run: false, allow_dirty: false })]);
    expect(screen.getByTestId('release-notice').textContent).toContain('Released v1.3.0 on 0123456.');
    const items = screen.getAllByTestId('release-item');
    expect(items.map((r) => r.dataset.version)).toEqual(['1.3.0', '1.2.0']);
    // The tag exists now: the preview follows, from the commits again.
    expect(calls(go, 'ReleasePreview').at(-1)?.args).toEqual(['']);
    expect(text(screen.getByTestId('release-version'))).toBe('Nothing to release');
    expect(screen.getByTestId('release-since').textContent).toBe('since v1.3.0');
    expect(screen.getAllByTestId('release-blocker').map((b) => b.dataset.code)).toEqual(['nothing_to_release']);
    expect(button().disabled).toBe(true);
    expect(screen.getByTestId('release-bump-auto').getAttribute('aria-pressed')).toBe('true');
  });

  it('keeps Release disabled while blockers remain; allowing dirty lifts only the dirty one', async () => {
    const fr = new FakeRelease(
      releasePreview({
        dirty: true,
        run: null,
        blockers: [
          { code: 'dirty', message: 'the work tree has uncommitted changes' },
          { code: 'no_run', message: 'no full run on this tree: run the pipeline first' },
        ],
      }),
    );
    const { go } = start(fr);
    await settle();
    expect(screen.getAllByTestId('release-blocker').map((b) => b.dataset.code)).toEqual(['dirty', 'no_run']);
    expect(screen.getByTestId('release-run').textContent).toContain('No full run on this tree yet');
    expect(button().disabled).toBe(true);
    const allow = screen.getByTestId('release-allow-dirty') as HTMLInputElement;
    expect(allow.closest('label')?.textContent).toContain('Allow dirty (+dirty, never to production)');
    await fireEvent.click(allow);
    expect(allow.checked).toBe(true);
    expect(button().disabled).toBe(true);
    expect(button().title).toBe('no full run on this tree: run the pipeline first');

    // A green run on this tree arrives: only dirty is left, and it is allowed.
    fr.preview = { ...fr.preview, run: { id: 9, status: 'passed' }, blockers: [{ code: 'dirty', message: 'the work tree has uncommitted changes' }] };
    go.emit('run.finished', run({ id: 9 }));
    await settle();
    expect(screen.getAllByTestId('release-blocker').map((b) => b.dataset.code)).toEqual(['dirty']);
    expect(button().disabled).toBe(false);
    expect(text(button())).toBe('Release v1.3.0+dirty');

    await fireEvent.click(button());
    await settle();
    expect(calls(go, 'Release')[0].args).toEqual([expect.objectContaining({ bump: '', dry_run: false, allow_dirty: true })]);
    const top = screen.getAllByTestId('release-item')[0];
    expect(top.dataset.dirty).toBe('true');
    expect(within(top).getByTestId('release-item-dirty').textContent).toBe('+dirty');
  });

  it('Release is disabled with only dirty until the override is checked', async () => {
    const dirty = { version: '1.3.0+dirty', tag: 'v1.3.0+dirty', dirty: true };
    start(new FakeRelease(releasePreview({ ...dirty, blockers: [{ code: 'dirty', message: 'uncommitted changes' }] })));
    await settle();
    expect(button().disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('release-allow-dirty'));
    expect(button().disabled).toBe(false);
    expect(text(button())).toBe('Release v1.3.0+dirty');
    await fireEvent.click(screen.getByTestId('release-allow-dirty'));
    expect(button().disabled).toBe(true);
  });

  it('shows why Go refused a release in the view, and keeps the list as it was', async () => {
    const { go } = start(new FakeRelease(), {
      Release: () => Promise.reject({ code: 'conflict', message: 'cannot release:\n- tag v1.3.0 exists\n- run #7 is not green' }),
    });
    await settle();
    await fireEvent.click(button());
    await settle();
    const err = screen.getByTestId('release-error');
    expect(err.textContent).toContain('tag v1.3.0 exists');
    expect(err.textContent).toContain('run #7 is not green');
    expect(screen.getAllByTestId('release-item')).toHaveLength(1);
    expect(button().disabled).toBe(false);
    expect(text(button())).toBe('Release v1.3.0');
    expect(calls(go, 'Release')).toHaveLength(1);
    await fireEvent.click(within(err).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('release-error')).toBeNull();
  });

  it('a dry run says what would happen and records nothing', async () => {
    const { go } = start();
    await settle();
    await fireEvent.click(screen.getByTestId('release-dry-run'));
    await settle();
    expect(calls(go, 'Release')[0].args).toEqual([expect.objectContaining({ bump: '', dry_run: true, allow_dirty: false })]);
    expect(screen.getByTestId('release-notice').textContent).toContain('Dry run: v1.3.0 would be tagged on 0123456 from run #7, with 1 artifact.');
    expect(screen.getAllByTestId('release-item').map((r) => r.dataset.version)).toEqual(['1.2.0']);
    expect(text(screen.getByTestId('release-version'))).toBe('v1.3.0');
  });

  it('release.created puts the release on top of the list and refreshes the preview', async () => {
    const fr = new FakeRelease();
    const { go } = start(fr);
    await settle();
    const previews = calls(go, 'ReleasePreview').length;
    // Made elsewhere (the CLI): the fake records it, the event tells the view.
    const info = fr.release({ bump: '', dry_run: false, allow_dirty: false });
    go.emit('release.created', info);
    await settle();
    expect(screen.getAllByTestId('release-item').map((r) => r.dataset.version)).toEqual(['1.3.0', '1.2.0']);
    expect(calls(go, 'ReleasePreview')).toHaveLength(previews + 1);
    expect(text(screen.getByTestId('release-version'))).toBe('Nothing to release');
    // The same release again (the reply and the event both carry it) is listed once.
    go.emit('release.created', info);
    await settle();
    expect(screen.getAllByTestId('release-item')).toHaveLength(2);
  });

  it('refreshes the preview when the project changes', async () => {
    const fr = new FakeRelease();
    const { go } = start(fr);
    await settle();
    fr.preview = { ...fr.preview, blockers: [{ code: 'dirty', message: 'uncommitted changes' }], dirty: true };
    go.emit('project.changed', project({ dirty: true }));
    await settle();
    expect(screen.getAllByTestId('release-blocker').map((b) => b.dataset.code)).toEqual(['dirty']);
  });

  it('lists releases with date, commit, run, dirty marker, cards, folded notes and artifacts with digests', async () => {
    const sha = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    start(
      new FakeRelease(releasePreview(), [
        releaseInfo({
          id: 2,
          version: '1.2.1+dirty',
          tag: 'v1.2.1+dirty',
          dirty: true,
          run_id: 6,
          cards: ['APP-2'],
          changelog_html: '<h2>v1.2.1</h2><ul><li>fix it</li></ul>',
          changelog_commit: 'abcdef0123456789abcdef0123456789abcdef01',
          artifacts: [artifact({ sha256: sha, size: 2048 })],
        }),
        releaseInfo({ id: 1, created_at: '2025-01-02T03:04:05.000Z' }),
      ]),
    );
    await settle();
    const items = screen.getAllByTestId('release-item');
    expect(items.map((r) => r.dataset.version)).toEqual(['1.2.1+dirty', '1.2.0']);
    const [dirty, plain] = items;
    expect(dirty.textContent).toContain('v1.2.1+dirty');
    expect(within(dirty).getByTestId('release-item-dirty')).toBeTruthy();
    expect(within(plain).queryByTestId('release-item-dirty')).toBeNull();
    expect(within(dirty).getByTestId('release-item-run').getAttribute('href')).toBe('#/build/6');
    expect(dirty.textContent).toContain('fedcba9');
    expect(dirty.textContent).toContain('CHANGELOG.md in abcdef0');
    expect(dirty.textContent).toContain('APP-2');
    expect(plain.textContent).toContain('2025-01-02');
    const notes = within(dirty).getByTestId('release-item-notes');
    expect(notes.closest('details')?.open).toBe(false);
    expect(notes.innerHTML).toContain('<li>fix it</li>');
    const art = within(dirty).getByTestId('release-item-artifact');
    expect(cells(art)).toEqual(['bin/app', 'build', '2.0 KiB', '9f86d081884c']);
    expect(within(art).getByTitle(sha)).toBeTruthy();
  });

  it('has a sensible empty state: no commits, no runs, no releases', async () => {
    start(
      new FakeRelease(
        releasePreview({
          head: '',
          last_tag: '',
          last_version: '',
          commits: 0,
          release: false,
          version: '',
          tag: '',
          bump: '',
          reason: '',
          changelog: '',
          changelog_html: '',
          entries: null,
          run: null,
          artifacts: null,
          cards: null,
          blockers: [{ code: 'no_commit', message: 'the repository has no commits yet' }],
        }),
        [],
      ),
    );
    await settle();
    expect(text(screen.getByTestId('release-version'))).toBe('Nothing to release');
    expect(screen.getByTestId('release-since').textContent).toBe('first release');
    expect(screen.queryByTestId('release-reason')).toBeNull();
    expect(screen.getByTestId('release-entries-empty').textContent).toBe('No commits yet.');
    expect(screen.getByTestId('release-run').textContent).toContain('No full run on this tree yet');
    expect(screen.getAllByTestId('release-blocker').map((b) => b.dataset.code)).toEqual(['no_commit']);
    expect(screen.getByTestId('release-changelog').textContent).toBe('Nothing to write up.');
    expect(screen.getByTestId('release-artifacts').textContent).toContain('No artifacts');
    expect(screen.getByTestId('release-list-empty')).toBeTruthy();
    expect(button().disabled).toBe(true);
  });

  it('shows why the preview cannot be made at all', async () => {
    start(new FakeRelease(), { ReleasePreview: () => Promise.reject({ code: 'conflict', message: 'not a git repository' }) });
    await settle();
    expect(screen.getByTestId('release-view').dataset.loaded).toBe('true');
    expect(screen.getByTestId('release-preview-error').textContent).toBe('not a git repository');
    expect(text(screen.getByTestId('release-version'))).toBe('Nothing to release');
    expect(button().disabled).toBe(true);
  });
});

describe('App: the Release place', () => {
  beforeEach(() => {
    history.replaceState(null, '', '#/build');
  });

  it('shows the Release view even while Go still lists Release as not ready', async () => {
    const go = new FakeGo({ Project: () => project(), Runs: () => [], WatchState: () => watchState(), ...new FakeRelease().handlers() });
    render(App, { wb: new Workbench(go.api()) });
    await settle();
    expect(screen.getByTestId('nav-release').textContent).not.toContain('soon');
    await fireEvent.click(screen.getByTestId('nav-release'));
    history.replaceState(null, '', '#/release');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await settle();
    expect(screen.getByTestId('release-view').dataset.loaded).toBe('true');
    expect(screen.queryByTestId('place-note')).toBeNull();
  });
});
