import { describe, expect, it } from 'vitest';
import { deployInfo, deployStep, releaseInfo, targetInfo } from '../testing/fake';
import {
  confirmQuestion,
  deployDuration,
  deployableReleases,
  deployStatus,
  deploySummary,
  forceUnlockAction,
  fresher,
  lockHeld,
  needsConfirm,
  patchTarget,
  retryAction,
  stepLabel,
  unknownHostKey,
  upsertDeploy,
  uploadFraction,
  type DeployAction,
} from './deploy';

const LOCKED = 'staging is locked by ann@box, who started a deploy of 1.3.0 2m0s ago; wait for it, or if it is stale (the deploy died), unlock with --force-unlock';

describe('deploy rules', () => {
  it('offers every release to staging and none of uncommitted changes to production', () => {
    const releases = [releaseInfo({ id: 3, version: '1.3.0+dirty', dirty: true }), releaseInfo({ id: 2, version: '1.2.0' })];
    expect(deployableReleases(releases, false).map((r) => r.id)).toEqual([3, 2]);
    expect(deployableReleases(releases, true).map((r) => r.id)).toEqual([2]);
  });

  it.each<[DeployAction, boolean, boolean]>([
    [{ kind: 'deploy', target: 'staging', release: 'v1', version: 'v1', forceUnlock: false }, false, false],
    [{ kind: 'deploy', target: 'production', release: 'v1', version: 'v1', forceUnlock: false }, true, true],
    [{ kind: 'deploy', target: 'staging', release: 'v1', version: 'v1', forceUnlock: true }, false, true],
    [{ kind: 'promote', target: 'production', from: 'staging', version: '1.2.0' }, true, true],
    [{ kind: 'rollback', target: 'staging', version: '1.2.0' }, false, false],
    [{ kind: 'rollback', target: 'production', version: '1.2.0' }, true, true],
  ])('needsConfirm(%j, production %s) is %s', (action, production, want) => {
    expect(needsConfirm(action, { production })).toBe(want);
  });

  it('asks a question that names the version and the target', () => {
    expect(confirmQuestion({ kind: 'deploy', target: 'production', release: 'v1.3.0', version: 'v1.3.0', forceUnlock: false }, true)).toBe(
      'Deploy v1.3.0 to production (production)?',
    );
    expect(confirmQuestion({ kind: 'promote', target: 'production', from: 'staging', version: '1.2.0' }, true)).toBe(
      'Promote 1.2.0 from staging to production (production)?',
    );
    expect(confirmQuestion({ kind: 'rollback', target: 'prod', version: '1.2.0' }, true)).toBe(
      'Roll back prod (production) from 1.2.0 to its previous release?',
    );
    expect(confirmQuestion({ kind: 'deploy', target: 'staging', release: '1.2.0', version: '1.2.0', forceUnlock: true }, false)).toMatch(
      /^Deploy 1\.2\.0 to staging\? The target’s deploy lock is removed first/,
    );
  });

  it('retries a deploy as it was started; a promotion from its source again; a rollback as a rollback', () => {
    expect(retryAction(deployInfo({ kind: 'deploy', version: '1.2.0' }), targetInfo())).toEqual({
      kind: 'deploy',
      target: 'staging',
      release: '1.2.0',
      version: '1.2.0',
      forceUnlock: false,
    });
    const prod = targetInfo({ name: 'production', production: true, promote_from: 'staging' });
    expect(retryAction(deployInfo({ target: 'production', kind: 'promote' }), prod)).toEqual({
      kind: 'promote',
      target: 'production',
      from: 'staging',
      version: '1.2.0',
    });
    expect(retryAction(deployInfo({ kind: 'rollback', version: '' }), targetInfo())).toEqual({ kind: 'rollback', target: 'staging', version: '' });
  });

  it('forces the lock of a deploy or promotion as a deploy of its version, never of a rollback', () => {
    expect(forceUnlockAction(deployInfo({ kind: 'promote', target: 'production', version: '1.2.0' }))).toEqual({
      kind: 'deploy',
      target: 'production',
      release: '1.2.0',
      version: '1.2.0',
      forceUnlock: true,
    });
    expect(forceUnlockAction(deployInfo({ kind: 'rollback' }))).toBeNull();
  });

  it('tells a lock held and an unknown host key from other failures', () => {
    expect(lockHeld(deployInfo({ status: 'failed', failure: LOCKED }))).toBe(true);
    expect(lockHeld(deployInfo({ status: 'failed', failure: 'health check failed' }))).toBe(false);
    expect(lockHeld(deployInfo({ status: 'running', failure: LOCKED }))).toBe(false);
    expect(unknownHostKey(deployInfo({ status: 'failed', host_key: 'SHA256:abc' }))).toBe(true);
    expect(unknownHostKey(deployInfo({ status: 'failed' }))).toBe(false);
  });

  it('keeps the list newest first with the copy that got furthest', () => {
    const started = deployInfo({ id: 2, status: 'running', steps: [] });
    const locked = deployInfo({ id: 2, status: 'running', steps: [deployStep({ name: 'lock' })] });
    const uploading = deployInfo({ id: 2, status: 'running', steps: [deployStep({ name: 'lock' }), deployStep({ name: 'upload', status: 'running', done: 10, total: 100 })] });
    const more = { ...uploading, steps: [deployStep({ name: 'lock' }), deployStep({ name: 'upload', status: 'running', done: 60, total: 100 })] };
    expect(fresher(more, uploading)).toBe(true);
    expect(fresher(uploading, more)).toBe(false);
    let list = upsertDeploy([deployInfo({ id: 1 })], locked);
    expect(list.map((d) => d.id)).toEqual([2, 1]);
    // The StartDeploy reply comes after the first event: it does not undo it.
    list = upsertDeploy(list, started);
    expect(list[0]).toBe(locked);
    list = upsertDeploy(list, { ...locked, status: 'succeeded' });
    expect(list[0].status).toBe('succeeded');
    list = upsertDeploy(list, uploading);
    expect(list[0].status).toBe('succeeded');
  });

  it('takes a deploy into its target: the newest as last, a success as current', () => {
    const t = targetInfo({ current: deployInfo({ id: 1 }), last: deployInfo({ id: 1 }) });
    const running = deployInfo({ id: 2, status: 'running', version: '1.3.0' });
    const a = patchTarget(t, running);
    expect(a.last?.id).toBe(2);
    expect(a.current?.id).toBe(1);
    const b = patchTarget(a, { ...running, status: 'succeeded' });
    expect(b.current?.version).toBe('1.3.0');
    expect(patchTarget(b, deployInfo({ id: 9, target: 'production' }))).toBe(b);
    // An older deploy's event does not replace the newest.
    expect(patchTarget(b, deployInfo({ id: 1, status: 'failed' })).last?.id).toBe(2);
  });

  it('names steps and states, measures uploads and durations', () => {
    expect(stepLabel('before_switch')).toBe('Before switch hook');
    expect(stepLabel('warp')).toBe('warp');
    expect(deployStatus('succeeded')).toBe('passed');
    expect(deployStatus('skipped')).toBe('skipped');
    expect(deployStatus('weird')).toBe('pending');
    expect(uploadFraction({ done: 25, total: 100 })).toBe(0.25);
    expect(uploadFraction({ done: 0, total: 0 })).toBeNull();
    const d = deployInfo({ started_at: '2025-03-01T11:00:00.000Z', finished_at: '2025-03-01T11:00:12.000Z' });
    expect(deployDuration(d, 0)).toBe(12_000);
    expect(deployDuration({ ...d, status: 'running', finished_at: '' }, Date.parse('2025-03-01T11:00:05.000Z'))).toBe(5_000);
    expect(deployDuration({ ...d, started_at: '' }, 0)).toBeNull();
  });

  it('sums a deploy up in one sentence', () => {
    const d = deployInfo({ version: '1.3.0' });
    expect(deploySummary(d, 0)).toBe('Deployed 1.3.0 to staging in 12.0s.');
    expect(deploySummary({ ...d, kind: 'promote', target: 'production' }, 0)).toBe('Promoted 1.3.0 to production in 12.0s.');
    expect(deploySummary({ ...d, status: 'failed' }, 0)).toBe('Deploy of 1.3.0 to staging failed in 12.0s.');
    expect(deploySummary({ ...d, kind: 'rollback', version: '1.2.0' }, 0)).toBe('Rolled staging back to 1.2.0 in 12.0s.');
    expect(deploySummary({ ...d, status: 'running', finished_at: '' }, Date.parse(d.started_at))).toBe('Deploying 1.3.0 to staging…');
  });
});
