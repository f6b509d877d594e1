import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { DAY_MS, NOW, openProject, projectsInfo, recentProject } from '../lib/projects.fixtures';
import { ProjectsState } from '../lib/projects.svelte';
import type { ProjectsInfo } from '../lib/types';
import { FakeGo, project } from '../testing/fake';
import StartScreen from './StartScreen.svelte';

const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  await tick();
};

async function mount(info: ProjectsInfo, handlers: ConstructorParameters<typeof FakeGo>[0] = {}) {
  const go = new FakeGo({ Projects: () => info, ...handlers });
  const projects = new ProjectsState(go.api());
  await projects.load();
  render(StartScreen, { projects, now: NOW });
  return { go, projects };
}

const recents = [
  recentProject({ path: '/home/dev/shop', name: 'shop', openedMs: NOW - 3 * DAY_MS }),
  recentProject({ path: '/home/dev/api', name: 'api', openedMs: NOW - 5 * 60_000 }),
  recentProject({ path: '/mnt/usb/old', name: 'old', openedMs: NOW - DAY_MS, exists: false }),
];

describe('StartScreen', () => {
  it('lists the recent projects newest first, with when they were opened', async () => {
    await mount(projectsInfo({ recent: recents }));
    const rows = screen.getAllByTestId('recent-project');
    expect(rows.map((r) => r.dataset.path)).toEqual(['/home/dev/api', '/mnt/usb/old', '/home/dev/shop']);
    expect(rows[0].textContent).toContain('api');
    expect(rows[0].textContent).toContain('opened 5 minutes ago');
    expect(rows[2].textContent).toContain('/home/dev/shop');
    expect(rows[2].textContent).toContain('opened 3 days ago');
    expect(screen.queryByTestId('start-empty')).toBeNull();
  });

  it('says why the folder it was started on did not open', async () => {
    await mount(projectsInfo({ recent: recents, problem: 'Eightfold was started on /gone, which could not be opened: there is no folder /gone' }));
    expect(screen.getByTestId('start-problem').textContent).toContain('/gone, which could not be opened');
  });

  it('shows no problem when there is none', async () => {
    await mount(projectsInfo({ recent: recents }));
    expect(screen.queryByTestId('start-problem')).toBeNull();
  });

  it('greys out a folder that is gone and does not try to open it', async () => {
    const { go } = await mount(projectsInfo({ recent: recents }));
    const gone = screen.getAllByTestId('recent-project')[1];
    expect(gone.textContent).toContain('folder is gone');
    expect(gone.classList.contains('gone')).toBe(true);
    expect(gone.getAttribute('aria-disabled')).toBe('true');
    await fireEvent.click(gone);
    expect(go.calls.some((c) => c.method === 'OpenProject')).toBe(false);
  });

  it('opens a recent project on click', async () => {
    const info = projectsInfo({ recent: recents });
    const { go, projects } = await mount(info, {
      OpenProject: (path) => {
        info.current = String(path);
        return project({ path: String(path) });
      },
    });
    await fireEvent.click(screen.getAllByTestId('recent-project')[2]);
    await settle();
    expect(go.calls.find((c) => c.method === 'OpenProject')?.args).toEqual(['/home/dev/shop']);
    expect(projects.current).toBe('/home/dev/shop');
  });

  it('shows why a recent project did not open under it, and reloads the list', async () => {
    const { go } = await mount(projectsInfo({ recent: recents }), {
      OpenProject: () => {
        throw { code: 'not_found', message: 'no folder /home/dev/shop' };
      },
    });
    await fireEvent.click(screen.getAllByTestId('recent-project')[2]);
    await settle();
    const row = screen.getAllByTestId('recent-project')[2].closest('li')!;
    expect(within(row).getByTestId('recent-error').textContent).toBe('no folder /home/dev/shop');
    expect(go.calls.filter((c) => c.method === 'Projects')).toHaveLength(2);
  });

  it('opens a typed path with Enter and shows the API error under the field', async () => {
    const { go } = await mount(projectsInfo(), {
      OpenProject: () => {
        throw { code: 'bad_request', message: 'docs/ is relative: type an absolute path' };
      },
    });
    const field = screen.getByLabelText('Open a folder') as HTMLInputElement;
    expect(document.activeElement).toBe(field);
    expect((screen.getByTestId('start-open') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(field, { target: { value: 'docs/' } });
    await fireEvent.submit(field.form!);
    await settle();
    expect(go.calls.find((c) => c.method === 'OpenProject')?.args).toEqual(['docs/']);
    const err = screen.getByTestId('start-error');
    expect(err.textContent).toBe('docs/ is relative: type an absolute path');
    expect(err.getAttribute('role')).toBe('alert');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toBe(err.id);
  });

  it('says what Eightfold is and how to start when nothing was opened before', async () => {
    await mount(projectsInfo());
    const empty = screen.getByTestId('start-empty');
    expect(empty.textContent).toContain('open it');
    expect(empty.textContent).toContain('eightfold demo');
    expect(screen.queryByTestId('recent-list')).toBeNull();
  });

  it('marks open projects and goes back to the current one', async () => {
    const { projects } = await mount(
      projectsInfo({
        current: '/home/dev/api',
        open: [openProject({ path: '/home/dev/api', name: 'api', current: true }), openProject({ path: '/home/dev/shop' })],
        recent: recents,
      }),
    );
    projects.showStart();
    const rows = screen.getAllByTestId('recent-project');
    expect(within(rows[0]).getByText('current')).toBeTruthy();
    expect(within(rows[2]).getByText('open')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('start-back'));
    expect(projects.browsing).toBe(false);
    projects.showStart();
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(projects.browsing).toBe(false);
  });

  it('offers no way back when no project is open', async () => {
    await mount(projectsInfo({ recent: recents }));
    expect(screen.queryByTestId('start-back')).toBeNull();
  });
});
