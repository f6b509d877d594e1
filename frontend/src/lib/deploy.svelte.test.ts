import { describe, expect, it } from 'vitest';
import { FakeDeploy, FakeGo, deployInfo, releaseInfo } from '../testing/fake';
import { DeployState } from './deploy.svelte';
import type { DeployInfo } from './types';

const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
};

function setup(fd = new FakeDeploy(), handlers: ConstructorParameters<typeof FakeGo>[0] = {}) {
  const errors: unknown[] = [];
  const go = fd.attach(new FakeGo({ ...fd.handlers(), ...handlers }));
  const state = new DeployState(go.api(), (err) => errors.push(err));
  return { go, state, fd, errors };
}

const calls = (go: FakeGo, method: string) => go.calls.filter((c) => c.method === method).map((c) => c.args);

describe('DeployState', () => {
  it('loads the targets, the releases and each target’s history', async () => {
    const fd = new FakeDeploy(undefined, undefined, [deployInfo({ id: 1 }), deployInfo({ id: 2, target: 'production', kind: 'promote' })]);
    const { go, state } = setup(fd);
    state.start();
    await settle();
    expect(state.loaded).toBe(true);
    expect(state.targets.map((t) => [t.name, t.current?.id])).toEqual([
      ['staging', 1],
      ['production', 2],
    ]);
    expect(calls(go, 'Deploys')).toEqual([
      ['staging', 20],
      ['production', 20],
    ]);
    expect(state.history('production').map((d) => d.id)).toEqual([2]);
    expect(state.releases.map((r) => r.version)).toEqual(['1.2.0']);
  });

  it('production waits for a yes; the yes sends confirm true', async () => {
    const { go, state } = setup();
    await state.load();
    const action = { kind: 'deploy', target: 'production', release: 'v1.2.0', version: 'v1.2.0', forceUnlock: false } as const;
    expect(await state.request(action)).toBeNull();
    expect(state.pending.production).toEqual(action);
    expect(calls(go, 'StartDeploy')).toEqual([]);
    state.cancel('production');
    expect(state.pending.production).toBeUndefined();
    await state.request(action);
    const d = await state.confirm('production');
    expect(calls(go, 'StartDeploy')).toEqual([[{ target: 'production', release: 'v1.2.0', force_unlock: false, confirm: true }]]);
    expect(state.live.production).toBe(d?.id);
    expect(state.pending.production).toBeUndefined();
  });

  it('follows a deploy by its events: fresher copies win, and its end reloads the targets', async () => {
    const { go, fd, state } = setup();
    state.start();
    await settle();
    const d = (await state.request({ kind: 'deploy', target: 'staging', release: 'v1.2.0', version: 'v1.2.0', forceUnlock: false }))!;
    fd.step(d.id, { name: 'lock', status: 'passed' });
    fd.progress(d.id, 1024, 4096);
    expect(state.liveDeploy('staging')?.steps?.map((s) => [s.name, s.status, s.done])).toEqual([
      ['lock', 'passed', 0],
      ['upload', 'running', 1024],
    ]);
    expect(state.target('staging')?.last?.status).toBe('running');
    const targetsBefore = calls(go, 'Targets').length;
    fd.finish(d.id, 'succeeded');
    await settle();
    expect(state.target('staging')?.current?.id).toBe(d.id);
    expect(calls(go, 'Targets')).toHaveLength(targetsBefore + 1);
    // A late copy of the start does not bring it back to running.
    state.take({ ...d, status: 'running', steps: [] });
    expect(state.liveDeploy('staging')?.status).toBe('succeeded');
  });

  it('follows a deploy started elsewhere (the terminal), also one running before the place opened', async () => {
    const fd = new FakeDeploy(undefined, undefined, [deployInfo({ id: 4, status: 'running', finished_at: '' })]);
    const { go, state } = setup(fd);
    state.start();
    await settle();
    expect(state.live.staging).toBe(4);
    go.emit('deploy.updated', deployInfo({ id: 5, target: 'production', status: 'running', finished_at: '' }));
    expect(state.live.production).toBe(5);
    state.dismiss('production');
    expect(state.live.production).toBeUndefined();
  });

  it('shows a refusal on its target', async () => {
    const fd = new FakeDeploy(undefined, []);
    const { state } = setup(fd);
    await state.load();
    await state.request({ kind: 'deploy', target: 'staging', release: '', version: '', forceUnlock: false });
    expect(state.errors.staging).toMatch(/no release to deploy yet/);
    expect(state.busy.staging).toBeUndefined();
  });

  it('trusts the host key, then starts the same deploy again', async () => {
    const { go, fd, state } = setup();
    await state.load();
    const first = (await state.request({ kind: 'deploy', target: 'staging', release: '1.2.0', version: '1.2.0', forceUnlock: false }))!;
    const failed: DeployInfo = fd.finish(first.id, 'failed', { host_key: 'SHA256:abc', failure: 'unknown host key' });
    const again = await state.trustAndRetry(failed);
    expect(fd.trusted).toEqual(['staging SHA256:abc']);
    expect(go.calls.map((c) => c.method).filter((m) => m === 'TrustHostKey' || m === 'StartDeploy')).toEqual([
      'StartDeploy',
      'TrustHostKey',
      'StartDeploy',
    ]);
    expect(again?.id).toBe(first.id + 1);
    expect(state.live.staging).toBe(again?.id);
  });

  it('a retry on production still waits for the yes: trusted first, promoted again after it', async () => {
    const fd = new FakeDeploy(undefined, undefined, [deployInfo({ id: 1 })]);
    const { go, state } = setup(fd);
    await state.load();
    const failed = deployInfo({ id: 2, target: 'production', kind: 'promote', status: 'failed', host_key: 'SHA256:p' });
    expect(await state.trustAndRetry(failed)).toBeNull();
    expect(calls(go, 'TrustHostKey')).toEqual([['production', 'SHA256:p']]);
    expect(state.pending.production).toEqual({ kind: 'promote', target: 'production', from: 'staging', version: '1.2.0' });
    expect(calls(go, 'StartPromote')).toEqual([]);
    await state.confirm('production');
    expect(calls(go, 'StartPromote')).toEqual([['staging', 'production', true, false]]);
  });

  it('does not retry when the key cannot be trusted', async () => {
    const { go, state } = setup(new FakeDeploy(), { TrustHostKey: () => Promise.reject({ code: 'conflict', message: 'the fingerprint changed' }) });
    await state.load();
    expect(await state.trustAndRetry(deployInfo({ status: 'failed', host_key: 'SHA256:x' }))).toBeNull();
    expect(state.errors.staging).toBe('the fingerprint changed');
    expect(calls(go, 'StartDeploy')).toEqual([]);
  });

  it('keeps a release that arrived by event and reloads the targets', async () => {
    const { go, state } = setup();
    state.start();
    await settle();
    const before = calls(go, 'Targets').length;
    go.emit('release.created', releaseInfo({ id: 2, version: '1.3.0', tag: 'v1.3.0' }));
    await settle();
    expect(state.releases.map((r) => r.version)).toEqual(['1.3.0', '1.2.0']);
    expect(calls(go, 'Targets')).toHaveLength(before + 1);
  });

  it('says why the targets cannot be listed', async () => {
    const { state } = setup(new FakeDeploy(), { Targets: () => Promise.reject({ code: 'conflict', message: 'eightfold.yaml:3:5: bad' }) });
    await state.loadTargets();
    expect(state.loaded).toBe(true);
    expect(state.loadError).toBe('eightfold.yaml:3:5: bad');
  });

  it('opens a deploy, and says when it does not exist', async () => {
    const { state } = setup(new FakeDeploy(undefined, undefined, [deployInfo({ id: 3, log: 'hello\n' })]));
    await state.open(3);
    expect(state.detail?.log).toBe('hello\n');
    await state.open(99);
    expect(state.detail).toBeNull();
    expect(state.detailError).toBe('deploy 99 does not exist');
    await state.open(null);
    expect(state.detailError).toBe('');
  });
});
