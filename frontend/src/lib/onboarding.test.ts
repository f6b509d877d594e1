import { beforeEach, describe, expect, it } from 'vitest';
import { project } from '../testing/fake';
import { detectedFile, isDetected, joinWords, loadDismissed, onboardingNotes, saveDismissed } from './onboarding';

describe('the detected pipeline', () => {
  it('tells a detected pipeline from a file', () => {
    expect(isDetected('detected from go.mod')).toBe(true);
    expect(isDetected('detected from go.mod; also found Makefile')).toBe(true);
    expect(isDetected('eightfold.yaml')).toBe(false);
    expect(isDetected('')).toBe(false);
  });

  it('names the file it came from', () => {
    expect(detectedFile('detected from go.mod')).toBe('go.mod');
    expect(detectedFile('detected from package.json; also found Makefile')).toBe('package.json');
    expect(detectedFile('eightfold.yaml')).toBe('');
  });

  it('joins step names into words', () => {
    expect(joinWords([])).toBe('');
    expect(joinWords(['test'])).toBe('test');
    expect(joinWords(['build', 'test'])).toBe('build and test');
    expect(joinWords(['build', 'vet', 'test'])).toBe('build, vet and test');
  });
});

describe('onboardingNotes', () => {
  const cases: [string, Parameters<typeof project>[0], string[]][] = [
    ['a configured repository needs none', {}, []],
    ['a detected pipeline', { configSource: 'detected from go.mod' }, ['config']],
    ['not a repository', { isGit: false }, ['git']],
    ['both, config first', { configSource: 'detected from go.mod', isGit: false }, ['config', 'git']],
    ['a broken config is the header’s to show', { configSource: '', configError: 'nothing detected' }, []],
  ];
  for (const [name, over, want] of cases) {
    it(name, () => expect(onboardingNotes(project(over))).toEqual(want));
  }

  it('leaves out the dismissed ones', () => {
    const p = project({ configSource: 'detected from go.mod', isGit: false });
    expect(onboardingNotes(p, new Set(['config']))).toEqual(['git']);
    expect(onboardingNotes(null)).toEqual([]);
  });
});

describe('dismissed notes', () => {
  beforeEach(() => sessionStorage.clear());

  it('are kept per project for the session', () => {
    saveDismissed(sessionStorage, '/a', new Set(['git']));
    expect([...loadDismissed(sessionStorage, '/a')]).toEqual(['git']);
    expect([...loadDismissed(sessionStorage, '/b')]).toEqual([]);
  });

  it('survive junk in storage and no storage at all', () => {
    sessionStorage.setItem('eightfold.onboarding.dismissed:/a', '{not json');
    expect([...loadDismissed(sessionStorage, '/a')]).toEqual([]);
    sessionStorage.setItem('eightfold.onboarding.dismissed:/a', '["git","other",3]');
    expect([...loadDismissed(sessionStorage, '/a')]).toEqual(['git']);
    expect([...loadDismissed(null, '/a')]).toEqual([]);
    expect(() => saveDismissed(null, '/a', new Set(['git']))).not.toThrow();
  });
});
