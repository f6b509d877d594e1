import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { syncLine } from '../lib/deploysync';
import type { DeploySync as Sync } from '../lib/types';
import { FakeGo, deployInfo } from '../testing/fake';
import DeploySync from './DeploySync.svelte';

const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  await tick();
};

function sync(over: Partial<Sync> = {}): Sync {
  return { target: 'staging', recorded: [], known: 0, skipped: [], failure: '', host_key: '', ...over };
}

describe('syncLine', () => {
  it('names what was recorded, what was known and the lines skipped', () => {
    const line = syncLine(
      sync({
        recorded: [deployInfo({ kind: 'deploy', version: '0.4.1', who: 'ci@runner', status: 'succeeded' })],
        known: 2,
        skipped: ['local: line 3 of /srv/app/.eightfold/audit.log skipped'],
      }),
    );
    expect(line).toEqual({
      target: 'staging',
      failed: false,
      text: 'recorded deploy of 0.4.1 by ci@runner (succeeded); 2 deploys known already; 1 line skipped: local: line 3 of /srv/app/.eightfold/audit.log skipped',
    });
  });

  it('says nothing new when the history had every deploy', () => {
    expect(syncLine(sync({ known: 1 })).text).toBe('nothing new; 1 deploy known already');
  });

  it('says why a target could not be read, and how to trust an unknown host key', () => {
    const line = syncLine(sync({ target: 'web', failure: 'deploy@10.0.0.12: unknown host key', host_key: 'SHA256:abc' }));
    expect(line.failed).toBe(true);
    expect(line.text).toBe(
      'deploy@10.0.0.12: unknown host key Trust the host key SHA256:abc (eightfold import deploys web --trust-host-key SHA256:abc), then sync again.',
    );
  });
});

describe('DeploySync', () => {
  it('syncs every target, lists what each recorded and reloads the targets', async () => {
    const go = new FakeGo({
      SyncDeploys: () => [
        sync({ recorded: [deployInfo({ kind: 'deploy', version: '0.4.1', who: 'ci@runner', status: 'succeeded' })] }),
        sync({ target: 'production', failure: 'no route to host' }),
      ],
    });
    const onsynced = vi.fn();
    render(DeploySync, { api: go.api(), onsynced });
    await fireEvent.click(screen.getByTestId('deploy-sync-button'));
    await settle();
    expect(go.calls.find((c) => c.method === 'SyncDeploys')?.args).toEqual(['']);
    const items = [...screen.getByTestId('deploy-sync-result').querySelectorAll('li')];
    expect(items.map((li) => li.textContent)).toEqual([
      'staging: recorded deploy of 0.4.1 by ci@runner (succeeded)',
      'production: no route to host',
    ]);
    expect(items[1].classList.contains('failed')).toBe(true);
    expect(onsynced).toHaveBeenCalledOnce();
  });

  it('shows a refusal and reloads nothing', async () => {
    const go = new FakeGo({
      SyncDeploys: () => {
        throw { code: 'no_project', message: 'no project is open' };
      },
    });
    const onsynced = vi.fn();
    render(DeploySync, { api: go.api(), onsynced });
    await fireEvent.click(screen.getByTestId('deploy-sync-button'));
    await settle();
    expect(screen.getByRole('alert').textContent).toBe('no project is open');
    expect(screen.queryByTestId('deploy-sync-result')).toBeNull();
    expect(onsynced).not.toHaveBeenCalled();
  });
});
