import { describe, expect, it } from 'vitest';
import { FakeGo, project } from '../testing/fake';
import { openProject, projectsInfo, recentProject } from './projects.fixtures';
import { ProjectsState } from './projects.svelte';
import type { ProjectsInfo } from './types';

const settle = () => new Promise((r) => setTimeout(r, 0));

function started(handlers: ConstructorParameters<typeof FakeGo>[0]) {
  const go = new FakeGo(handlers);
  const projects = new ProjectsState(go.api());
  const stop = projects.start();
  return { go, projects, stop };
}

const shop = projectsInfo({ current: '/home/dev/shop', open: [openProject({ current: true })], recent: [recentProject()] });

describe('ProjectsState', () => {
  it('shows the start screen when no project is open', async () => {
    const { projects } = started({ Projects: () => projectsInfo({ recent: [recentProject()] }) });
    expect(projects.loaded).toBe(false);
    expect(projects.startScreen).toBe(false);
    expect(projects.shown).toBeNull();
    await settle();
    expect(projects.startScreen).toBe(true);
    expect(projects.shown).toBeNull();
    expect(projects.info?.recent).toHaveLength(1);
  });

  it('shows the current project', async () => {
    const { projects } = started({ Projects: () => shop });
    await settle();
    expect(projects.startScreen).toBe(false);
    expect(projects.shown).toBe('/home/dev/shop');
  });

  it('falls back to the one project of a backend without Projects', async () => {
    const { projects } = started({});
    await settle();
    expect(projects.single).toBe(true);
    expect(projects.startScreen).toBe(false);
    expect(projects.shown).toBe('');
  });

  it('opens a folder, makes it current and reloads the list', async () => {
    let info = projectsInfo();
    const { go, projects } = started({
      Projects: () => info,
      OpenProject: (path) => {
        info = projectsInfo({ current: '/srv/api', open: [openProject({ path: '/srv/api', current: true })] });
        return project({ path: '/srv/api', name: String(path) });
      },
    });
    await settle();
    expect(await projects.open('  ~/api  ')).toBeNull();
    expect(go.calls.find((c) => c.method === 'OpenProject')?.args).toEqual(['~/api']);
    expect(projects.current).toBe('/srv/api');
    expect(projects.startScreen).toBe(false);
    await settle();
    expect(projects.info?.open.map((p) => p.path)).toEqual(['/srv/api']);
  });

  it("returns the API's error when a folder does not open", async () => {
    const { projects } = started({
      Projects: () => projectsInfo(),
      OpenProject: () => {
        throw { code: 'not_found', message: 'no folder /nope' };
      },
    });
    await settle();
    const err = await projects.open('/nope');
    expect(err).toMatchObject({ code: 'not_found', message: 'no folder /nope' });
    expect(projects.current).toBe('');
    expect(projects.opening).toBe('');
  });

  it('does not let a slower Projects answer undo a switch', async () => {
    let answer: (info: ProjectsInfo) => void = () => {};
    let calls = 0;
    let now = shop;
    const { go, projects } = started({
      Projects: () => (++calls === 2 ? new Promise((r) => (answer = r)) : now),
    });
    await settle();
    void projects.load();
    now = { ...shop, current: '/srv/api' };
    go.emit('project.switched', { path: '/srv/api', name: 'api' });
    expect(projects.current).toBe('/srv/api');
    answer(shop);
    await settle();
    expect(projects.current).toBe('/srv/api');
  });

  it('follows project.switched, to none too', async () => {
    const { go, projects } = started({ Projects: () => shop });
    await settle();
    projects.showStart();
    expect(projects.startScreen).toBe(true);
    go.emit('project.switched', { path: '', name: '' });
    expect(projects.current).toBe('');
    expect(projects.browsing).toBe(false);
    expect(projects.startScreen).toBe(true);
  });

  it('closes a project and takes the new current one from the answer', async () => {
    const { go, projects } = started({
      Projects: () => shop,
      CloseProject: () => projectsInfo({ recent: [recentProject()] }),
    });
    await settle();
    expect(await projects.close('/home/dev/shop')).toBeNull();
    expect(go.calls.find((c) => c.method === 'CloseProject')?.args).toEqual(['/home/dev/shop']);
    expect(projects.current).toBe('');
    expect(projects.startScreen).toBe(true);
  });

  it('reloads after the event stream comes back', async () => {
    const { go } = started({ Projects: () => shop });
    await settle();
    go.setConnection('reconnecting');
    go.setConnection('open');
    await settle();
    expect(go.calls.filter((c) => c.method === 'Projects')).toHaveLength(2);
  });

  it('stops following events when stopped', async () => {
    const { go, projects, stop } = started({ Projects: () => shop });
    await settle();
    stop();
    go.emit('project.switched', { path: '/srv/api', name: 'api' });
    expect(projects.current).toBe('/home/dev/shop');
  });
});
