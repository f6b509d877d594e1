// The onboarding panel's pure parts: which notes a project needs (a detected pipeline to write
// down as eightfold.yaml, a folder to turn into a git repository) and which the user dismissed
// for the session.

import type { ProjectInfo } from './types';

/** `config`: the pipeline was detected, there is no eightfold.yaml; `git`: the folder is not a repository. */
export type OnboardingNote = 'config' | 'git';

/** True when the project's pipeline was detected (no eightfold.yaml): "detected from go.mod; also found Makefile". */
export function isDetected(configSource: string): boolean {
  return configSource.startsWith('detected');
}

/** The file a detected pipeline came from: "detected from go.mod; also found Makefile" → "go.mod"; "" when unknown. */
export function detectedFile(configSource: string): string {
  const m = /^detected from ([^;]+)/.exec(configSource);
  return m ? m[1].trim() : '';
}

/** "build", "build and test", "build, vet and test". */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The notes the project needs, in the order shown, without the dismissed ones. */
export function onboardingNotes(project: ProjectInfo | null, dismissed: ReadonlySet<OnboardingNote> = new Set()): OnboardingNote[] {
  if (!project) return [];
  const notes: OnboardingNote[] = [];
  if (!project.configError && isDetected(project.configSource)) notes.push('config');
  if (!project.isGit) notes.push('git');
  return notes.filter((n) => !dismissed.has(n));
}

const KEY = 'eightfold.onboarding.dismissed:';

/** The notes dismissed for this project in this session (sessionStorage; none without it). */
export function loadDismissed(storage: Storage | null, path: string): Set<OnboardingNote> {
  try {
    const raw = storage?.getItem(KEY + path);
    const list: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(list) ? list.filter((n): n is OnboardingNote => n === 'config' || n === 'git') : []);
  } catch {
    return new Set();
  }
}

export function saveDismissed(storage: Storage | null, path: string, dismissed: ReadonlySet<OnboardingNote>): void {
  try {
    storage?.setItem(KEY + path, JSON.stringify([...dismissed]));
  } catch {
    // Storage full or forbidden: the dismissal lasts as long as the panel.
  }
}
