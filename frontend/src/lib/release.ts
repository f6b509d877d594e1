// The Release place's rules that need no Go: the bump the chooser asks for, whether the Release
// button may be pressed, the release list kept newest first. Pure and unit-tested.

import { plural } from './format';
import type { ReleaseBlocker, ReleaseInfo, ReleasePreview, RunStatus } from './types';

/** What the bump chooser offers: the commits decide, a level, or an explicit version. */
export type BumpKind = 'auto' | 'patch' | 'minor' | 'major' | 'version';

export interface BumpChoice {
  kind: BumpKind;
  /** The explicit version, for kind 'version'. */
  version: string;
}

export const AUTO: BumpChoice = { kind: 'auto', version: '' };

/** The `bump` argument of ReleasePreview and Release. */
export function bumpArg(choice: BumpChoice): string {
  if (choice.kind === 'auto') return '';
  if (choice.kind === 'version') return choice.version.trim();
  return choice.kind;
}

// SemVer 2.0 with an optional leading v; Go checks it for real (and that it is newer).
const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** Why an explicit version is not one, "" when it looks fine. */
export function versionProblem(text: string): string {
  const v = text.trim();
  if (!v) return 'Type a version such as 2.0.0.';
  if (!SEMVER.test(v)) return `“${v}” is not a version like 1.4.0 or 2.0.0-rc.1.`;
  return '';
}

/** The blockers still in the way: all of them, less `dirty` when the user allows a dirty release. */
export function remainingBlockers(preview: ReleasePreview | null, allowDirty: boolean): ReleaseBlocker[] {
  return (preview?.blockers ?? []).filter((b) => !(allowDirty && b.code === 'dirty'));
}

export function hasBlocker(preview: ReleasePreview | null, code: ReleaseBlocker['code']): boolean {
  return (preview?.blockers ?? []).some((b) => b.code === code);
}

/** Why the Release button is disabled, "" when it may be pressed. */
export function releaseHold(preview: ReleasePreview | null, allowDirty: boolean): string {
  if (!preview) return 'The preview has not loaded.';
  const left = remainingBlockers(preview, allowDirty);
  if (left.length) return left.map((b) => b.message).join('\n');
  if (!preview.release) return 'There is nothing to release.';
  return '';
}

/** "v1.3.0", or "Nothing to release". */
export function headline(preview: ReleasePreview): string {
  if (!preview.release) return 'Nothing to release';
  return preview.tag || preview.version;
}

/** "since v1.2.0", or "first release". */
export function since(preview: Pick<ReleasePreview, 'last_tag' | 'last_version'>): string {
  if (preview.last_tag) return `since ${preview.last_tag}`;
  if (preview.last_version) return `since ${preview.last_version}`;
  return 'first release';
}

/** Puts a release into a newest-first list, replacing an older copy with the same id; dry runs stay out. */
export function upsertRelease(list: ReleaseInfo[], info: ReleaseInfo): ReleaseInfo[] {
  if (info.dry_run) return list;
  return [info, ...list.filter((r) => r.id !== info.id)].sort((a, b) => b.id - a.id);
}

/** The first 12 hex digits of a SHA-256. */
export function shortDigest(sha256: string): string {
  return sha256.slice(0, 12);
}

const RUN_STATUSES: readonly string[] = ['running', 'passed', 'failed', 'cancelled', 'interrupted', 'error'];

/** The run status to badge, or null when it is a word this version does not know. */
export function runStatus(status: string): RunStatus | null {
  return RUN_STATUSES.includes(status) ? (status as RunStatus) : null;
}

/** One sentence about a dry run that went through. */
export function dryRunSummary(info: ReleaseInfo): string {
  const artifacts = info.artifacts?.length ?? 0;
  const parts = [`Dry run: ${info.tag || info.version} would be tagged on ${info.commit.slice(0, 7)}`];
  if (info.run_id) parts.push(`from run #${info.run_id}`);
  let text = parts.join(' ');
  text += artifacts ? `, with ${plural(artifacts, 'artifact')}.` : '.';
  if (info.dirty) text += ' It would be marked +dirty.';
  return text;
}

/** One sentence about a release just made. */
export function releasedSummary(info: ReleaseInfo): string {
  let text = `Released ${info.tag || info.version} on ${info.commit.slice(0, 7)}`;
  if (info.dirty) text += ' (+dirty)';
  text += '.';
  if (info.changelog_commit) text += ` CHANGELOG.md updated in ${info.changelog_commit.slice(0, 7)}.`;
  return text;
}
