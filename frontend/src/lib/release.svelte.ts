// The Release place's state: the preview of the next release for the chosen bump, the releases
// made so far, and a Release in progress. The preview is loaded again when something that changes
// it happens: a run finished (a new green run lifts `no_run`), the project changed, a release was
// made.

import { toApiError, type Api } from './api';
import {
  AUTO,
  bumpArg,
  dryRunSummary,
  hasBlocker,
  releasedSummary,
  releaseHold,
  upsertRelease,
  versionProblem,
  type BumpChoice,
} from './release';
import type { ReleaseInfo, ReleasePreview } from './types';

export class ReleaseState {
  readonly api: Api;
  readonly #report: (err: unknown) => void;

  preview = $state.raw<ReleasePreview | null>(null);
  /** The first preview request has ended (with a preview or an error). */
  loaded = $state(false);
  /** Why the preview for the chosen bump could not be made (Go's message); "" when it was. */
  previewError = $state('');
  /** The bump the preview was asked for. */
  bump = $state.raw<BumpChoice>(AUTO);
  /** What the chooser's version field says is wrong with the typed version; "" when nothing. */
  bumpProblem = $state('');
  allowDirty = $state(false);

  releases = $state.raw<ReleaseInfo[]>([]);
  releasesLoaded = $state(false);

  /** What is going on: a release or a dry run; "" when neither. */
  busy = $state<'' | 'release' | 'dry-run'>('');
  /** Why the last Release or dry run was refused; "" when it was not. */
  error = $state('');
  /** What the last Release or dry run did; "" before one. */
  notice = $state('');

  #previewing: Promise<void> | null = null;
  #again = false;

  constructor(api: Api, report: (err: unknown) => void) {
    this.api = api;
    this.#report = report;
  }

  /** The dirty override counts only while the tree is dirty: a tree that got clean never releases +dirty. */
  readonly dirtyAllowed = $derived(this.allowDirty && hasBlocker(this.preview, 'dirty'));
  /** Why Release is disabled; "" when it may be pressed. */
  readonly hold = $derived(
    this.previewError ? this.previewError : this.bumpProblem ? this.bumpProblem : releaseHold(this.preview, this.dirtyAllowed),
  );

  /** Subscribes to the events that change the preview and loads it and the releases; returns the function that stops. */
  start(): () => void {
    const offs = [
      this.api.on('release.created', (info) => {
        this.releases = upsertRelease(this.releases, info);
        void this.loadPreview();
      }),
      this.api.on('run.finished', () => void this.loadPreview()),
      this.api.on('project.changed', () => void this.loadPreview()),
    ];
    void this.load();
    return () => offs.forEach((off) => off());
  }

  load(): Promise<void> {
    return Promise.all([this.loadPreview(), this.loadReleases()]).then(() => {});
  }

  /**
   * Loads the preview for the chosen bump. A call while one is loading makes it load once more
   * after it (a run's end sends run.finished and project.changed together: one more request, not
   * two); a reply for a bump no longer chosen is dropped.
   */
  loadPreview(): Promise<void> {
    if (this.#previewing) {
      this.#again = true;
      return this.#previewing;
    }
    this.#previewing = (async () => {
      do {
        this.#again = false;
        const arg = bumpArg(this.bump);
        let preview: ReleasePreview | null = null;
        let problem = '';
        try {
          preview = await this.api.ReleasePreview(arg);
        } catch (err) {
          problem = toApiError(err).message;
        }
        if (arg !== bumpArg(this.bump)) {
          this.#again = true;
          continue;
        }
        if (preview) this.preview = preview;
        this.previewError = problem;
      } while (this.#again);
      this.loaded = true;
      this.#previewing = null;
    })();
    return this.#previewing;
  }

  async loadReleases(): Promise<void> {
    try {
      const list = await this.api.Releases();
      // Releases that arrived by event while the list loaded are kept.
      this.releases = this.releases.reduce(upsertRelease, list ?? []);
    } catch (err) {
      this.#report(err);
    } finally {
      this.releasesLoaded = true;
    }
  }

  /** Chooses the bump and loads its preview; an explicit version that is plainly not one is not sent. */
  choose(choice: BumpChoice): Promise<void> {
    if (choice.kind === 'version') {
      const problem = versionProblem(choice.version);
      this.bumpProblem = problem;
      if (problem) return Promise.resolve();
    } else {
      this.bumpProblem = '';
    }
    this.bump = { kind: choice.kind, version: choice.kind === 'version' ? choice.version.trim() : '' };
    return this.loadPreview();
  }

  /** Releases (or dry-runs) with the chosen bump; returns the release, or null when Go refused. */
  async release(dryRun: boolean): Promise<ReleaseInfo | null> {
    if (this.busy) return null;
    if (!dryRun && this.hold) {
      this.error = this.hold;
      return null;
    }
    this.busy = dryRun ? 'dry-run' : 'release';
    this.error = '';
    this.notice = '';
    try {
      // What the preview showed: Go refuses when HEAD or the version moved since.
      const expect = { expect_head: this.preview?.head ?? '', expect_version: this.preview?.version ?? '' };
      const info = await this.api.Release({ bump: bumpArg(this.bump), dry_run: dryRun, allow_dirty: this.dirtyAllowed, ...expect });
      if (dryRun) {
        this.notice = dryRunSummary(info);
      } else {
        this.releases = upsertRelease(this.releases, info);
        this.notice = releasedSummary(info);
        // A dirty release is allowed once, never by default.
        this.allowDirty = false;
        // The tag exists now: the next release starts from it.
        this.bump = AUTO;
        void this.loadPreview();
      }
      return info;
    } catch (err) {
      this.error = toApiError(err).message;
      return null;
    } finally {
      this.busy = '';
    }
  }
}
