import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import { openProject, projectsInfo, recentProject } from '../lib/projects.fixtures';
import { ProjectsState } from '../lib/projects.svelte';
import type { ProjectInfo, ProjectsInfo } from '../lib/types';
import { Workbench } from '../lib/workbench.svelte';
import { FakeGo, project, run, watchState } from '../testing/fake';
import ProjectSwitcher from './ProjectSwitcher.svelte';

const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  await tick();
};

const SHOP = '/home/dev/shop';
const API = '/home/dev/api';

function two(current: string): ProjectsInfo {
  return projectsInfo({
    current,
    open: [
      openProject({ path: SHOP, name: 'shop', current: current === SHOP, lastRun: run({ id: 9, status: 'failed' }) }),
      openProject({ path: API, name: 'api', current: current === API }),
    ],
    recent: [recentProject({ path: SHOP, name: 'shop' }), recentProject({ path: API, name: 'api' })],
  });
}

describe('ProjectSwitcher', () => {
  async function mount(info: ProjectsInfo, handlers: ConstructorParameters<typeof FakeGo>[0] = {}, props = {}) {
    const go = new FakeGo({ Projects: () => info, ...handlers });
    const projects = new ProjectsState(go.api());
    await projects.load();
    render(ProjectSwitcher, { projects, ...props });
    return { go, projects };
  }

  it("shows the current project's name and unfolds the open ones with their last run", async () => {
    const { go } = await mount(two(SHOP));
    const trigger = screen.getByTestId('project-switcher');
    expect(trigger.textContent).toContain('shop');
    expect(trigger.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByTestId('project-menu')).toBeNull();

    await fireEvent.click(trigger);
    await settle();
    expect(trigger.getAttribute('aria-expanded')).toBe('true');
    expect(go.calls.filter((c) => c.method === 'Projects')).toHaveLength(2);
    const rows = screen.getAllByTestId('open-project');
    expect(rows.map((r) => r.dataset.path)).toEqual([SHOP, API]);
    expect(rows[0].getAttribute('aria-current')).toBe('true');
    expect(document.activeElement).toBe(rows[0]);
    const dots = screen.getAllByTestId('project-dot');
    expect(dots.map((d) => d.dataset.status)).toEqual(['failed', 'none']);
    expect(rows[0].textContent).toContain('last run failed');
    expect(rows[1].textContent).toContain('no runs yet');
  });

  it("shows the current project's live run", async () => {
    await mount(two(SHOP), {}, { run: run({ id: 10, status: 'running' }) });
    await fireEvent.click(screen.getByTestId('project-switcher'));
    expect(screen.getAllByTestId('project-dot')[0].dataset.status).toBe('running');
  });

  it('switches with OpenProject', async () => {
    let info = two(SHOP);
    const { go, projects } = await mount(info, {
      Projects: () => info,
      OpenProject: () => {
        info = two(API);
        return project({ path: API, name: 'api' });
      },
    });
    await fireEvent.click(screen.getByTestId('project-switcher'));
    await fireEvent.click(screen.getAllByTestId('open-project')[1]);
    await settle();
    expect(go.calls.find((c) => c.method === 'OpenProject')?.args).toEqual([API]);
    expect(projects.current).toBe(API);
  });

  it('shows why a switch failed', async () => {
    await mount(two(SHOP), {
      OpenProject: () => {
        throw { code: 'not_found', message: `no folder ${API}` };
      },
    });
    await fireEvent.click(screen.getByTestId('project-switcher'));
    await fireEvent.click(screen.getAllByTestId('open-project')[1]);
    await settle();
    expect(screen.getByTestId('switcher-error').textContent).toBe(`no folder ${API}`);
  });

  it('closes a project', async () => {
    let info = two(SHOP);
    const { go } = await mount(info, {
      Projects: () => info,
      CloseProject: (path) => {
        info = { ...info, open: info.open.filter((p) => p.path !== path) };
        return info;
      },
    });
    await fireEvent.click(screen.getByTestId('project-switcher'));
    await fireEvent.click(screen.getByRole('button', { name: 'Close api' }));
    await settle();
    expect(go.calls.find((c) => c.method === 'CloseProject')?.args).toEqual([API]);
    expect(screen.getAllByTestId('open-project').map((r) => r.dataset.path)).toEqual([SHOP]);
  });

  it('goes to the start screen with "Open another folder…"', async () => {
    const { projects } = await mount(two(SHOP));
    await fireEvent.click(screen.getByTestId('project-switcher'));
    await fireEvent.click(screen.getByTestId('open-another'));
    expect(projects.startScreen).toBe(true);
    expect(screen.queryByTestId('project-menu')).toBeNull();
  });

  it('folds with Escape, back to its button', async () => {
    await mount(two(SHOP));
    const trigger = screen.getByTestId('project-switcher');
    await fireEvent.click(trigger);
    await fireEvent.keyDown(screen.getAllByTestId('open-project')[0], { key: 'Escape' });
    expect(screen.queryByTestId('project-menu')).toBeNull();
    expect(document.activeElement).toBe(trigger);
  });
});

describe('App with several projects', () => {
  beforeEach(() => {
    history.replaceState(null, '', '#/build');
    sessionStorage.clear();
  });

  /** A Go with two folders on disk: `current` is what Projects says, Project answers for it. */
  function start(initial: string, extra: ConstructorParameters<typeof FakeGo>[0] = {}) {
    const state = { current: initial, open: initial ? [initial] : ([] as string[]) };
    const info = (): ProjectsInfo => {
      const all = two(state.current);
      return { ...all, open: all.open.filter((p) => state.open.includes(p.path)) };
    };
    const projectFor = (path: string): ProjectInfo => project({ path, name: path.split('/').pop()! });
    const go = new FakeGo({
      Projects: info,
      Project: () => {
        if (!state.current) throw { code: 'no_project', message: 'no project is open: open a folder from the start screen' };
        return projectFor(state.current);
      },
      Runs: () => (state.current === SHOP ? [run({ id: 5, project: SHOP, status: 'failed' })] : []),
      GetRun: (id) => run({ id: Number(id), project: state.current }),
      WatchState: () => watchState(),
      StartRun: () => {
        if (!state.current) throw { code: 'no_project', message: 'no project is open: open a folder from the start screen' };
        return run({ id: 6, status: 'running' });
      },
      Status: () => {
        throw { code: 'internal', message: 'no status in this test' };
      },
      OpenProject: (path) => {
        const p = String(path);
        state.current = p;
        if (!state.open.includes(p)) state.open.push(p);
        go.emit('project.switched', { path: p, name: p.split('/').pop()! });
        return projectFor(p);
      },
      CloseProject: (path) => {
        state.open = state.open.filter((p) => p !== path);
        if (state.current === path) state.current = state.open.at(-1) ?? '';
        go.emit('project.switched', { path: state.current, name: state.current.split('/').pop() ?? '' });
        return info();
      },
      ...extra,
    });
    const wb = new Workbench(go.api());
    render(App, { wb });
    return { go, wb, state };
  }

  const header = () => screen.getByTestId('project-header');

  it('shows the start screen when no project is open, and the project once one is opened', async () => {
    const { go } = start('');
    await settle();
    expect(screen.getByTestId('start-screen')).toBeTruthy();
    expect(screen.queryByTestId('project-header')).toBeNull();
    expect(go.calls.some((c) => c.method === 'Project' || c.method === 'Runs')).toBe(false);
    expect(document.title).toBe('Eightfold');

    await fireEvent.click(screen.getAllByTestId('recent-project').find((r) => r.dataset.path === API)!);
    await settle();
    expect(screen.queryByTestId('start-screen')).toBeNull();
    expect(within(header()).getByText('api')).toBeTruthy();
    expect(screen.getByTestId('project-switcher').textContent).toContain('api');
  });

  it('switches projects with a fresh shell: nothing of the last one stays', async () => {
    history.replaceState(null, '', '#/build/5');
    const { go, state } = start(SHOP);
    state.open.push(API);
    await settle();
    expect(within(header()).getByText('shop')).toBeTruthy();
    expect(screen.getByTestId('run-detail').dataset.runId).toBe('5');
    const runsBefore = go.calls.filter((c) => c.method === 'Runs').length;

    await fireEvent.click(screen.getByTestId('project-switcher'));
    await settle();
    await fireEvent.click(screen.getAllByTestId('open-project').find((r) => r.dataset.path === API)!);
    await settle();
    expect(within(header()).getByText('api')).toBeTruthy();
    expect(screen.queryByTestId('run-detail')).toBeNull();
    expect(screen.queryAllByTestId('run-row')).toHaveLength(0);
    expect(screen.queryByTestId('project-menu')).toBeNull();
    expect(location.hash).toBe('#/build');
    expect(go.calls.filter((c) => c.method === 'Runs').length).toBe(runsBefore + 1);
  });

  it('follows a switch made elsewhere', async () => {
    const { go, state } = start(SHOP);
    await settle();
    state.current = API;
    state.open.push(API);
    go.emit('project.switched', { path: API, name: 'api' });
    await settle();
    expect(within(header()).getByText('api')).toBeTruthy();
  });

  it('closing the last project shows the start screen; the start screen can go back to an open one', async () => {
    const { state } = start(SHOP);
    await settle();
    await fireEvent.click(screen.getByTestId('project-switcher'));
    await fireEvent.click(screen.getByTestId('open-another'));
    await settle();
    expect(screen.getByTestId('start-screen')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('start-back'));
    await settle();
    expect(within(header()).getByText('shop')).toBeTruthy();

    await fireEvent.click(screen.getByTestId('project-switcher'));
    await settle();
    await fireEvent.click(screen.getByRole('button', { name: 'Close shop' }));
    await settle();
    expect(state.open).toEqual([]);
    expect(screen.getByTestId('start-screen')).toBeTruthy();
    expect(screen.queryByTestId('start-back')).toBeNull();
  });

  it('opens a project closed a moment ago with a fresh shell, not the stopped one', async () => {
    history.replaceState(null, '', '#/build/5');
    const { go } = start(SHOP);
    await settle();
    expect(screen.getByTestId('run-detail').dataset.runId).toBe('5');
    const runsBefore = go.calls.filter((c) => c.method === 'Runs').length;

    await fireEvent.click(screen.getByTestId('project-switcher'));
    await settle();
    await fireEvent.click(screen.getByRole('button', { name: 'Close shop' }));
    await settle();
    expect(screen.getByTestId('start-screen')).toBeTruthy();

    await fireEvent.click(screen.getAllByTestId('recent-project').find((r) => r.dataset.path === SHOP)!);
    await settle();
    expect(within(header()).getByText('shop')).toBeTruthy();
    expect(screen.queryByTestId('run-detail')).toBeNull();
    expect(location.hash).toBe('#/build');
    expect(go.calls.filter((c) => c.method === 'Runs').length).toBeGreaterThan(runsBefore);
  });

  it('does not start a run with r on the start screen', async () => {
    const { go } = start('');
    await settle();
    await fireEvent.keyDown(window, { key: 'r' });
    expect(go.calls.some((c) => c.method === 'StartRun')).toBe(false);
  });

  it('asks Go again instead of showing "no project is open"', async () => {
    const { go, state } = start(SHOP);
    await settle();
    state.current = '';
    state.open = [];
    // The switch event was missed: the next call says there is no project.
    await fireEvent.click(screen.getByTestId('run-button'));
    await settle();
    expect(screen.queryByTestId('error-banner')).toBeNull();
    expect(screen.getByTestId('start-screen')).toBeTruthy();
    expect(go.calls.filter((c) => c.method === 'Projects').length).toBeGreaterThanOrEqual(2);
  });

  it('shows the onboarding panel at the top of Build & Test', async () => {
    start(SHOP, {
      Project: () => project({ path: SHOP, name: 'shop', isGit: false, configSource: 'detected from go.mod' }),
    });
    await settle();
    expect(screen.getByTestId('onboarding-config')).toBeTruthy();
    expect(screen.getByTestId('onboarding-git')).toBeTruthy();
  });
});
