import { describe, expect, it } from 'vitest';
import { FakeGo, FakeRelease, project, releaseInfo, releasePreview, run } from '../testing/fake';
import { ReleaseState } from './release.svelte';
import type { ReleasePreview } from './types';

const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
};

function setup(fr = new FakeRelease(), handlers: ConstructorParameters<typeof FakeGo>[0] = {}) {
  const errors: unknown[] = [];
  const go = new FakeGo({ ...fr.handlers(), ...handlers });
  const release = new ReleaseState(go.api(), (err) => errors.push(err));
  return { go, release, fr, errors };
}

const previews = (go: FakeGo) => go.calls.filter((c) => c.method === 'ReleasePreview').map((c) => c.args[0]);

describe('ReleaseState', () => {
  it('asks once more, not twice, for events that come while a preview loads', async () => {
    const { go, release } = setup();
    const off = release.start();
    go.emit('run.finished', run({ id: 9 }));
    go.emit('project.changed', project());
    await settle();
    expect(previews(go)).toEqual(['', '']);
    expect(release.loaded).toBe(true);
    off();
    go.emit('run.finished', run({ id: 10 }));
    await settle();
    expect(previews(go)).toHaveLength(2);
  });

  it('drops the reply for a bump no longer chosen', async () => {
    const fr = new FakeRelease();
    const pending: ((p: ReleasePreview) => void)[] = [];
    const { go, release } = setup(fr, {
      ReleasePreview: (bump: unknown) => new Promise<ReleasePreview>((resolve) => pending.push(() => resolve(fr.previewFor(bump as string)))),
    });
    const first = release.loadPreview();
    const chosen = release.choose({ kind: 'major', version: '' });
    pending.shift()!(releasePreview());
    await settle();
    // The auto preview came back after major was chosen: not shown; major is asked for.
    expect(release.preview).toBeNull();
    expect(previews(go)).toEqual(['', 'major']);
    pending.shift()!(releasePreview());
    await Promise.all([first, chosen]);
    expect(release.preview?.version).toBe('2.0.0');
    expect(release.bump).toEqual({ kind: 'major', version: '' });
  });

  it('does not send a Release that the preview holds back, and allows dirty only while the tree is dirty', async () => {
    const fr = new FakeRelease(releasePreview({ dirty: true, blockers: [{ code: 'dirty', message: 'uncommitted changes' }] }));
    const { go, release } = setup(fr);
    await release.loadPreview();
    expect(await release.release(false)).toBeNull();
    expect(release.error).toBe('uncommitted changes');
    expect(go.calls.some((c) => c.method === 'Release')).toBe(false);

    release.allowDirty = true;
    expect(release.dirtyAllowed).toBe(true);
    fr.preview = releasePreview();
    await release.loadPreview();
    // Clean now: the checkbox left on does not make a +dirty release.
    expect(release.dirtyAllowed).toBe(false);
    const shown = release.preview!;
    const info = await release.release(false);
    // It sends what the preview showed, so that Go refuses if HEAD or the version moved since.
    expect(go.calls.find((c) => c.method === 'Release')?.args).toEqual([
      { bump: '', dry_run: false, allow_dirty: false, expect_head: shown.head, expect_version: shown.version },
    ]);
    expect(info?.dirty).toBe(false);
    expect(release.allowDirty).toBe(false);
  });

  it('keeps releases that arrived by event while the list loaded', async () => {
    let answer: (list: unknown) => void = () => {};
    const { go, release } = setup(new FakeRelease(), { Releases: () => new Promise((r) => (answer = r)) });
    release.start();
    go.emit('release.created', releaseInfo({ id: 3, version: '1.4.0' }));
    answer([releaseInfo({ id: 2, version: '1.3.0' }), releaseInfo({ id: 1 })]);
    await settle();
    expect(release.releases.map((r) => r.id)).toEqual([3, 2, 1]);
    expect(release.releasesLoaded).toBe(true);
  });

  it('reports a list that cannot be loaded', async () => {
    const { release, errors } = setup(new FakeRelease(), { Releases: () => Promise.reject({ code: 'internal', message: 'disk' }) });
    await release.loadReleases();
    expect(errors).toHaveLength(1);
    expect(release.releasesLoaded).toBe(true);
  });
});
