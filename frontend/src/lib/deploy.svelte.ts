// The Deploy place's state: the targets with what they run, the releases to choose from, the
// deploys seen (their history and the ones running, kept fresh by deploy.updated), what each
// target's buttons are doing, the confirmation a target waits for, and the deploy open in detail.

import { toApiError, type Api } from './api';
import { needsConfirm, patchTarget, retryAction, upsertDeploy, type DeployAction } from './deploy';
import { upsertRelease } from './release';
import type { DeployInfo, ReleaseInfo, TargetInfo } from './types';

/** How many deploys of each target the history lists at first. */
export const HISTORY_LIMIT = 20;

function without<T>(map: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _drop, ...rest } = map;
  return rest;
}

export class DeployState {
  readonly api: Api;
  readonly #report: (err: unknown) => void;

  targets = $state.raw<TargetInfo[]>([]);
  /** The first Targets request has ended. */
  loaded = $state(false);
  /** Why the targets cannot be listed (eightfold.yaml does not load); "" when they can. */
  loadError = $state('');

  releases = $state.raw<ReleaseInfo[]>([]);
  releasesLoaded = $state(false);

  /** Every deploy seen, newest first: the histories, the ones started here and the ones announced. */
  deploys = $state.raw<DeployInfo[]>([]);
  /** Per target, the deploy its card follows live (running, or ended and not yet dismissed). */
  live = $state.raw<Record<string, number>>({});
  /** Per target, a button press waiting for Go's answer. */
  busy = $state.raw<Record<string, boolean>>({});
  /** Per target, why Go refused the last press. */
  errors = $state.raw<Record<string, string>>({});
  /** Per target, the action waiting for the person's yes. */
  pending = $state.raw<Record<string, DeployAction>>({});

  /** The deploy open in detail; null: none. */
  detailId = $state<number | null>(null);
  /** Why the open deploy could not be loaded; "" when it could. */
  detailError = $state('');

  readonly detail = $derived(this.detailId === null ? null : (this.deploys.find((d) => d.id === this.detailId) ?? null));

  #targetsSeq = 0;

  constructor(api: Api, report: (err: unknown) => void) {
    this.api = api;
    this.#report = report;
  }

  /** Subscribes to the events that change the place and loads it; returns the function that stops. */
  start(): () => void {
    const offs = [
      this.api.on('deploy.updated', (d) => this.take(d)),
      this.api.on('release.created', (r) => {
        this.releases = upsertRelease(this.releases, r);
        void this.loadTargets();
      }),
    ];
    void this.load();
    return () => offs.forEach((off) => off());
  }

  async load(): Promise<void> {
    await Promise.all([this.loadTargets().then(() => this.loadHistories()), this.loadReleases()]);
    if (this.detailId !== null) await this.open(this.detailId);
  }

  async loadTargets(): Promise<void> {
    const seq = ++this.#targetsSeq;
    try {
      const list = (await this.api.Targets()) ?? [];
      if (seq !== this.#targetsSeq) return;
      // Deploys that events brought while the list loaded may be fresher than it.
      this.targets = list.map((t) => this.deploys.filter((d) => d.target === t.name).reduceRight(patchTarget, t));
      this.loadError = '';
      // A deploy that was already running when the place opened (from the terminal) is followed live.
      for (const t of this.targets) {
        if (t.last?.status === 'running' && this.live[t.name] === undefined) this.take(t.last);
      }
    } catch (err) {
      if (seq === this.#targetsSeq) this.loadError = toApiError(err).message;
    } finally {
      if (seq === this.#targetsSeq) this.loaded = true;
    }
  }

  async loadReleases(): Promise<void> {
    try {
      const list = await this.api.Releases();
      this.releases = this.releases.reduce(upsertRelease, list ?? []);
    } catch (err) {
      this.#report(err);
    } finally {
      this.releasesLoaded = true;
    }
  }

  async loadHistories(): Promise<void> {
    await Promise.all(this.targets.map((t) => this.loadHistory(t.name)));
  }

  async loadHistory(target: string): Promise<void> {
    try {
      const list = await this.api.Deploys(target, HISTORY_LIMIT);
      this.deploys = (list ?? []).reduce(upsertDeploy, this.deploys);
    } catch (err) {
      this.#report(err);
    }
  }

  /** The deploys of a target, newest first. */
  history(target: string): DeployInfo[] {
    return this.deploys.filter((d) => d.target === target);
  }

  /** The deploy a target's card follows live; null when none. */
  liveDeploy(target: string): DeployInfo | null {
    const id = this.live[target];
    return id === undefined ? null : (this.deploys.find((d) => d.id === id) ?? null);
  }

  target(name: string): TargetInfo | undefined {
    return this.targets.find((t) => t.name === name);
  }

  /** Takes in a deploy from an event or a reply: its list, its target, and the card's live view. */
  take(d: DeployInfo): void {
    const before = this.deploys.find((x) => x.id === d.id);
    this.deploys = upsertDeploy(this.deploys, d);
    this.targets = this.targets.map((t) => patchTarget(t, d));
    const followed = this.live[d.target];
    if (d.status === 'running' && (followed === undefined || d.id >= followed)) {
      this.live = { ...this.live, [d.target]: d.id };
    }
    // It ended: what the target runs comes from Go (a rollback's version is known only now).
    if (d.status !== 'running' && before?.status === 'running') void this.loadTargets();
  }

  /** Stops following a target's ended deploy. */
  dismiss(target: string): void {
    this.live = without(this.live, target);
  }

  /** A button was pressed: runs the action, or asks for a yes first (production, force unlock). */
  request(action: DeployAction): Promise<DeployInfo | null> {
    this.errors = without(this.errors, action.target);
    if (needsConfirm(action, this.target(action.target))) {
      this.pending = { ...this.pending, [action.target]: action };
      return Promise.resolve(null);
    }
    return this.#run(action, false);
  }

  /** The person said yes to the action the target waits for. */
  confirm(target: string): Promise<DeployInfo | null> {
    const action = this.pending[target];
    if (!action) return Promise.resolve(null);
    this.pending = without(this.pending, target);
    return this.#run(action, true);
  }

  /** The person said no. */
  cancel(target: string): void {
    this.pending = without(this.pending, target);
  }

  /** Trusts the host key a deploy failed on, then starts the same deploy again. */
  async trustAndRetry(d: DeployInfo): Promise<DeployInfo | null> {
    if (this.busy[d.target]) return null;
    this.errors = without(this.errors, d.target);
    this.busy = { ...this.busy, [d.target]: true };
    try {
      await this.api.TrustHostKey(d.target, d.host_key);
    } catch (err) {
      this.errors = { ...this.errors, [d.target]: toApiError(err).message };
      return null;
    } finally {
      this.busy = without(this.busy, d.target);
    }
    return this.request(retryAction(d, this.target(d.target)));
  }

  async #run(action: DeployAction, confirm: boolean): Promise<DeployInfo | null> {
    const name = action.target;
    if (this.busy[name]) return null;
    this.busy = { ...this.busy, [name]: true };
    try {
      let d: DeployInfo;
      if (action.kind === 'promote') d = await this.api.StartPromote(action.from, name, confirm);
      else if (action.kind === 'rollback') d = await this.api.StartRollback(name, confirm);
      else d = await this.api.StartDeploy({ target: name, release: action.release, force_unlock: action.forceUnlock, confirm });
      this.take(d);
      this.live = { ...this.live, [name]: d.id };
      return d;
    } catch (err) {
      this.errors = { ...this.errors, [name]: toApiError(err).message };
      return null;
    } finally {
      this.busy = without(this.busy, name);
    }
  }

  /** Opens a deploy's detail (null closes it), loading its steps and log. */
  async open(id: number | null): Promise<void> {
    this.detailId = id;
    this.detailError = '';
    if (id === null) return;
    try {
      const d = await this.api.GetDeploy(id);
      if (this.detailId === id) this.deploys = upsertDeploy(this.deploys, d);
    } catch (err) {
      if (this.detailId === id) this.detailError = toApiError(err).message;
    }
  }
}
