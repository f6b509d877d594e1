import { describe, expect, it } from 'vitest';
import { releaseInfo, releasePreview } from '../testing/fake';
import {
  AUTO,
  bumpArg,
  dryRunSummary,
  headline,
  releasedSummary,
  releaseHold,
  remainingBlockers,
  runStatus,
  shortDigest,
  since,
  upsertRelease,
  versionProblem,
} from './release';

describe('bumpArg', () => {
  it.each([
    [AUTO, ''],
    [{ kind: 'patch', version: '' }, 'patch'],
    [{ kind: 'minor', version: 'x' }, 'minor'],
    [{ kind: 'major', version: '' }, 'major'],
    [{ kind: 'version', version: ' v2.0.0 ' }, 'v2.0.0'],
  ] as const)('%o → %s', (choice, want) => {
    expect(bumpArg(choice)).toBe(want);
  });
});

describe('versionProblem', () => {
  it.each(['1.2.3', 'v1.2.3', '2.0.0-rc.1', '1.0.0+build.5', '0.1.0'])('accepts %s', (v) => {
    expect(versionProblem(v)).toBe('');
  });
  it.each(['', ' ', '1.2', 'banana', '01.2.3', '1.2.3.4', 'v', '1.2.3-'])('refuses %j', (v) => {
    expect(versionProblem(v)).not.toBe('');
  });
});

describe('releaseHold', () => {
  const dirty = { code: 'dirty' as const, message: 'uncommitted changes' };
  const noRun = { code: 'no_run' as const, message: 'no run' };

  it('is empty when nothing is in the way', () => {
    expect(releaseHold(releasePreview(), false)).toBe('');
  });
  it('says there is no preview', () => {
    expect(releaseHold(null, false)).toContain('not loaded');
  });
  it('lists the blockers left; dirty goes only when allowed', () => {
    expect(releaseHold(releasePreview({ blockers: [dirty] }), false)).toBe('uncommitted changes');
    expect(releaseHold(releasePreview({ blockers: [dirty] }), true)).toBe('');
    expect(releaseHold(releasePreview({ blockers: [dirty, noRun] }), true)).toBe('no run');
    expect(remainingBlockers(releasePreview({ blockers: [dirty, noRun] }), false)).toEqual([dirty, noRun]);
    expect(remainingBlockers(releasePreview({ blockers: null }), false)).toEqual([]);
  });
  it('holds when there is nothing to release, blockers or not', () => {
    expect(releaseHold(releasePreview({ release: false, blockers: null }), true)).toContain('nothing to release');
  });
});

describe('headline and since', () => {
  it('names the version, or says there is nothing', () => {
    expect(headline(releasePreview())).toBe('v1.3.0');
    expect(headline(releasePreview({ tag: '', version: '1.3.0' }))).toBe('1.3.0');
    expect(headline(releasePreview({ release: false }))).toBe('Nothing to release');
  });
  it('says what it follows', () => {
    expect(since({ last_tag: 'v1.2.0', last_version: '1.2.0' })).toBe('since v1.2.0');
    expect(since({ last_tag: '', last_version: '' })).toBe('first release');
  });
});

describe('upsertRelease', () => {
  it('keeps the list newest first without duplicates, and dry runs out', () => {
    const one = releaseInfo({ id: 1 });
    const two = releaseInfo({ id: 2, version: '1.3.0' });
    expect(upsertRelease([one], two).map((r) => r.id)).toEqual([2, 1]);
    expect(upsertRelease([two, one], { ...two, reason: 'new' }).map((r) => [r.id, r.reason])).toEqual([
      [2, 'new'],
      [1, 'feat: in 2 commits'],
    ]);
    expect(upsertRelease([two], one).map((r) => r.id)).toEqual([2, 1]);
    expect(upsertRelease([one], releaseInfo({ id: 0, dry_run: true }))).toEqual([one]);
  });
});

describe('small words', () => {
  it('shortens digests and knows run statuses', () => {
    expect(shortDigest('9f86d081884c7d659a2feaa0c55ad015')).toBe('9f86d081884c');
    expect(runStatus('passed')).toBe('passed');
    expect(runStatus('exploded')).toBeNull();
  });
  it('sums up a release and a dry run', () => {
    expect(releasedSummary(releaseInfo())).toBe('Released v1.2.0 on fedcba9.');
    expect(releasedSummary(releaseInfo({ dirty: true, changelog_commit: '1234567890' }))).toBe(
      'Released v1.2.0 on fedcba9 (+dirty). CHANGELOG.md updated in 1234567.',
    );
    expect(dryRunSummary(releaseInfo({ artifacts: null, run_id: 0 }))).toBe('Dry run: v1.2.0 would be tagged on fedcba9.');
    expect(dryRunSummary(releaseInfo({ artifacts: [], dirty: true }))).toBe(
      'Dry run: v1.2.0 would be tagged on fedcba9 from run #5. It would be marked +dirty.',
    );
  });
});
