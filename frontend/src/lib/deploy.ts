// The Deploy place's rules that need no Go: which releases a target may take, what a button
// press asks of Go and whether it needs a yes first, how a retry repeats a failed deploy, the
// deploy list kept newest first with the freshest copy of each. Pure and unit-tested.

import { formatDuration } from './format';
import type { Status } from './status';
import type { DeployInfo, DeployStep, ReleaseInfo, TargetInfo } from './types';

/** What a button asks for; `version` names what it ships, for the confirmation. */
export type DeployAction =
  | { kind: 'deploy'; target: string; release: string; version: string; forceUnlock: boolean }
  | { kind: 'promote'; target: string; from: string; version: string }
  | { kind: 'rollback'; target: string; version: string };

/** The release name that deploys HEAD's last green build instead of a release (DeployOptions.release). */
export const HEAD_BUILD = 'HEAD';

/** The releases a target may take, newest first: a dirty one never goes to production. */
export function deployableReleases(releases: ReleaseInfo[], production: boolean): ReleaseInfo[] {
  return releases.filter((r) => !r.dry_run && !(production && r.dirty));
}

/** What a release is called in the chooser and in the confirmation. */
export function releaseName(r: Pick<ReleaseInfo, 'tag' | 'version'>): string {
  return r.tag || r.version;
}

/** Whether an action needs an explicit yes: production, or removing someone's lock. */
export function needsConfirm(action: DeployAction, target: Pick<TargetInfo, 'production'> | undefined): boolean {
  return !!target?.production || (action.kind === 'deploy' && action.forceUnlock);
}

/** The question the confirmation asks, naming the version and the target. */
export function confirmQuestion(action: DeployAction, production: boolean): string {
  const where = production ? `${action.target} (production)` : action.target;
  const version = action.version || 'the newest release';
  let q: string;
  if (action.kind === 'promote') q = `Promote ${version} from ${action.from} to ${where}?`;
  else if (action.kind === 'rollback') q = `Roll back ${where} from ${version} to its previous release?`;
  else q = `Deploy ${version} to ${where}?`;
  if (action.kind === 'deploy' && action.forceUnlock) {
    q += ' The target’s deploy lock is removed first: do this only when its holder is gone (the deploy died).';
  }
  return q;
}

/** The label of the confirm button. */
export function confirmLabel(action: DeployAction): string {
  if (action.kind === 'deploy' && action.forceUnlock) return 'Force unlock and deploy';
  if (action.kind === 'promote') return `Promote to ${action.target}`;
  if (action.kind === 'rollback') return `Roll back ${action.target}`;
  return `Deploy to ${action.target}`;
}

/** The same deploy again, as the person started it: for "Trust and retry". */
export function retryAction(d: DeployInfo, target: Pick<TargetInfo, 'promote_from'> | undefined): DeployAction {
  if (d.kind === 'rollback') return { kind: 'rollback', target: d.target, version: d.version };
  if (d.kind === 'promote' && target?.promote_from) {
    return { kind: 'promote', target: d.target, from: target.promote_from, version: d.version };
  }
  return { kind: 'deploy', target: d.target, release: d.version, version: d.version, forceUnlock: false };
}

/**
 * The same release again with the lock removed first, or null for a rollback: Go has no way to
 * force the lock of a rollback. A promotion is retried as a deploy of the version it promoted:
 * the same artifacts.
 */
export function forceUnlockAction(d: DeployInfo): DeployAction | null {
  if (d.kind === 'rollback' || !d.version) return null;
  return { kind: 'deploy', target: d.target, release: d.version, version: d.version, forceUnlock: true };
}

/** The deploy failed because another holds the target's lock (Go suggests --force-unlock). */
export function lockHeld(d: Pick<DeployInfo, 'status' | 'failure'>): boolean {
  return d.status === 'failed' && d.failure.includes('--force-unlock');
}

/** The deploy failed on an unknown host key that the person may trust. */
export function unknownHostKey(d: Pick<DeployInfo, 'status' | 'host_key'>): boolean {
  return d.status === 'failed' && !!d.host_key;
}

// How far a deploy has got; it never goes down, so of two copies the one with more progress is
// the fresher (the StartDeploy reply may arrive after the first deploy.updated event).
function progress(d: DeployInfo): number[] {
  const steps = d.steps ?? [];
  return [
    d.status === 'running' ? 0 : 1,
    steps.length,
    steps.filter((s) => s.status !== 'running').length,
    steps.reduce((n, s) => n + s.done, 0),
    d.log.length,
  ];
}

/** Whether `a` has got at least as far as `b`. */
export function fresher(a: DeployInfo, b: DeployInfo): boolean {
  const pa = progress(a);
  const pb = progress(b);
  for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) return pa[i] > pb[i];
  return true;
}

/** Puts a deploy into a newest-first list, replacing an older copy with the same id unless that one is fresher. */
export function upsertDeploy(list: DeployInfo[], d: DeployInfo): DeployInfo[] {
  const old = list.find((x) => x.id === d.id);
  if (old) return fresher(d, old) ? list.map((x) => (x === old ? d : x)) : list;
  return [...list, d].sort((a, b) => b.id - a.id);
}

/** A target with a deploy of it taken in: its newest deploy, and what it runs once one succeeded. */
export function patchTarget(t: TargetInfo, d: DeployInfo): TargetInfo {
  if (d.target !== t.name) return t;
  let next = t;
  if (!t.last || d.id > t.last.id || (d.id === t.last.id && fresher(d, t.last))) next = { ...next, last: d };
  if (d.status === 'succeeded' && (!t.current || d.id >= t.current.id)) next = { ...next, current: d };
  return next;
}

/** Deploy states as the status marks and colours know them. */
export function deployStatus(status: string): Status {
  if (status === 'succeeded') return 'passed';
  if (status === 'running' || status === 'passed' || status === 'failed' || status === 'skipped') return status;
  return 'pending';
}

const STEP_LABELS: Record<string, string> = {
  lock: 'Lock the target',
  upload: 'Upload the artifacts',
  link: 'Link the release',
  before_switch: 'Before switch hook',
  switch: 'Switch current',
  start: 'Start',
  health: 'Health check',
  rollback: 'Roll back',
  after_deploy: 'After deploy hook',
  stop: 'Stop the other release',
  prune: 'Prune old releases',
  unlock: 'Unlock',
};

/** A step's name for people; an unknown name as it is. */
export function stepLabel(name: string): string {
  return STEP_LABELS[name] ?? name;
}

/** The upload step's progress, 0…1, or null when it has no byte count. */
export function uploadFraction(step: Pick<DeployStep, 'done' | 'total'>): number | null {
  if (step.total <= 0) return null;
  return Math.min(1, Math.max(0, step.done / step.total));
}

/** How long a deploy took, or has taken so far while running. */
export function deployDuration(d: Pick<DeployInfo, 'status' | 'started_at' | 'finished_at'>, now: number): number | null {
  const start = Date.parse(d.started_at);
  if (Number.isNaN(start)) return null;
  const end = d.status === 'running' || !d.finished_at ? now : Date.parse(d.finished_at);
  return Number.isNaN(end) ? null : Math.max(0, end - start);
}

const KIND_VERBS: Record<string, string> = { deploy: 'Deploy', promote: 'Promotion', rollback: 'Rollback' };

/** "Deploy", "Promotion", "Rollback". */
export function kindLabel(kind: string): string {
  return KIND_VERBS[kind] ?? kind;
}

/** One sentence about how a deploy ended, or how far it is. */
export function deploySummary(d: DeployInfo, now: number): string {
  const version = d.version || 'the previous release';
  const ms = deployDuration(d, now);
  const took = ms === null ? '' : ` in ${formatDuration(ms)}`;
  if (d.status === 'running') {
    if (d.kind === 'rollback') return `Rolling ${d.target} back…`;
    return `${d.kind === 'promote' ? 'Promoting' : 'Deploying'} ${version} to ${d.target}…`;
  }
  if (d.status === 'succeeded') {
    if (d.kind === 'rollback') return `Rolled ${d.target} back to ${version}${took}.`;
    return `${d.kind === 'promote' ? 'Promoted' : 'Deployed'} ${version} to ${d.target}${took}.`;
  }
  if (d.kind === 'rollback') return `The rollback of ${d.target} failed${took}.`;
  return `${kindLabel(d.kind)} of ${version} to ${d.target} failed${took}.`;
}
