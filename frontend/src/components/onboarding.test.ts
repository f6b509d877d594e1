import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ProjectInfo } from '../lib/types';
import { FakeGo, project } from '../testing/fake';
import Onboarding from './Onboarding.svelte';

const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  await tick();
};

const YAML = '# eightfold.yaml: the pipeline Eightfold runs on every save.\nsteps:\n  - name: build\n    run: go build ./...\n';

const detected = project({
  path: '/home/dev/api',
  configSource: 'detected from go.mod; also found Makefile',
  steps: [
    { name: 'build', run: 'go build ./...', origin: 'go.mod', timeoutMs: 0 },
    { name: 'test', run: 'go test -json ./...', origin: 'go.mod', timeoutMs: 0 },
  ],
});

function mount(p: ProjectInfo, handlers: ConstructorParameters<typeof FakeGo>[0] = {}) {
  const go = new FakeGo(handlers);
  const seen: ProjectInfo[] = [];
  const view = render(Onboarding, { project: p, api: go.api(), onproject: (info: ProjectInfo) => seen.push(info), storage: sessionStorage });
  return { go, seen, view };
}

beforeEach(() => sessionStorage.clear());

describe('Onboarding', () => {
  it('shows nothing for a configured repository', () => {
    mount(project());
    expect(screen.queryByTestId('onboarding')).toBeNull();
  });

  it('says what was detected and previews the eightfold.yaml it would write', async () => {
    const { go } = mount(detected, { ConfigPreview: () => ({ yaml: YAML, detectedFrom: ['go.mod'], exists: false }) });
    const note = screen.getByTestId('onboarding-config');
    expect(note.textContent?.replace(/\s+/g, ' ')).toContain('No eightfold.yaml yet: Eightfold detected build and test from go.mod.');
    expect(screen.queryByTestId('onboarding-git')).toBeNull();

    const toggle = screen.getByTestId('config-preview-toggle');
    await fireEvent.click(toggle);
    await settle();
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const pre = screen.getByTestId('config-preview');
    expect(pre.tagName).toBe('PRE');
    expect(pre.textContent).toBe(YAML);

    await fireEvent.click(toggle);
    expect(screen.queryByTestId('config-preview')).toBeNull();
    await fireEvent.click(toggle);
    expect(screen.getByTestId('config-preview')).toBeTruthy();
    expect(go.calls.filter((c) => c.method === 'ConfigPreview')).toHaveLength(1);
  });

  it('writes eightfold.yaml and hands on the fresh project info', async () => {
    const fresh = project({ ...detected, configSource: 'eightfold.yaml' });
    const { go, seen, view } = mount(detected, { WriteConfig: () => fresh });
    await fireEvent.click(screen.getByTestId('config-write'));
    await settle();
    expect(go.calls.map((c) => c.method)).toEqual(['WriteConfig']);
    expect(seen).toEqual([fresh]);
    await view.rerender({ project: fresh });
    expect(screen.queryByTestId('onboarding-config')).toBeNull();
    expect(screen.getByTestId('onboarding-done').textContent).toContain('Wrote eightfold.yaml');
  });

  it('shows why writing was refused', async () => {
    const { seen } = mount(detected, {
      WriteConfig: () => {
        throw { code: 'conflict', message: 'eightfold.yaml exists already in /home/dev/api' };
      },
    });
    await fireEvent.click(screen.getByTestId('config-write'));
    await settle();
    expect(screen.getByTestId('config-write-error').textContent).toBe('eightfold.yaml exists already in /home/dev/api');
    expect(seen).toEqual([]);
    expect((screen.getByTestId('config-write') as HTMLButtonElement).disabled).toBe(false);
  });

  it('offers git init in a folder that is not a repository', async () => {
    const plain = project({ path: '/home/dev/notes', isGit: false });
    const repo = project({ ...plain, isGit: true });
    const { go, seen, view } = mount(plain, { InitGit: () => repo });
    const note = screen.getByTestId('onboarding-git');
    expect(note.textContent).toContain(
      "This folder is not a git repository: commits, releases and the board's links need one.",
    );
    await fireEvent.click(within(note).getByRole('button', { name: 'Run git init' }));
    await settle();
    expect(go.calls.map((c) => c.method)).toEqual(['InitGit']);
    expect(seen).toEqual([repo]);
    await view.rerender({ project: repo });
    expect(screen.queryByTestId('onboarding-git')).toBeNull();
  });

  it('shows why git init failed', async () => {
    mount(project({ isGit: false }), {
      InitGit: () => {
        throw { code: 'conflict', message: 'already a git repository' };
      },
    });
    await fireEvent.click(screen.getByTestId('git-init'));
    await settle();
    expect(screen.getByTestId('git-init-error').textContent).toBe('already a git repository');
  });

  it('is dismissed for the session, note by note', async () => {
    const both = project({ ...detected, isGit: false });
    const { view } = mount(both);
    const config = screen.getByTestId('onboarding-config');
    await fireEvent.click(within(config).getByRole('button', { name: 'Dismiss for this session' }));
    expect(screen.queryByTestId('onboarding-config')).toBeNull();
    expect(screen.getByTestId('onboarding-git')).toBeTruthy();
    view.unmount();

    mount(both);
    expect(screen.queryByTestId('onboarding-config')).toBeNull();
    await fireEvent.click(within(screen.getByTestId('onboarding-git')).getByRole('button', { name: 'Dismiss for this session' }));
    expect(screen.queryByTestId('onboarding')).toBeNull();
  });
});
