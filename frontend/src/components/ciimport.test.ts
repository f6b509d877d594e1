import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { Workbench } from '../lib/workbench.svelte';
import { FakeGo, run } from '../testing/fake';
import BuildTest from './BuildTest.svelte';
import CIImport from './CIImport.svelte';

const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  await tick();
};

const recorded = run({
  id: 12,
  trigger: 'ci',
  name: 'GitHub: main',
  status: 'failed',
  commit: '4f1c2e0aabbccddeeff',
  tests: { total: 3, passed: 2, failed: 1, skipped: 0, flaky: 0 },
});

function mount(handler: (...args: unknown[]) => unknown = () => recorded) {
  const go = new FakeGo({ ImportCIReports: handler });
  render(CIImport, { api: go.api() });
  return go;
}

const submit = () => screen.getByTestId('ci-import-submit') as HTMLButtonElement;

describe('CIImport', () => {
  it('imports the files listed, one a line, with the format, name and commit given, and links the run', async () => {
    const go = mount();
    expect(submit().disabled).toBe(true);
    await fireEvent.change(screen.getByTestId('ci-import-format'), { target: { value: 'go-test-json' } });
    await fireEvent.input(screen.getByTestId('ci-import-files'), { target: { value: 'test.json\n\n  ~/Downloads/more.json \n' } });
    await fireEvent.input(screen.getByTestId('ci-import-name'), { target: { value: ' GitHub: main ' } });
    await fireEvent.input(screen.getByTestId('ci-import-commit'), { target: { value: '4f1c2e0' } });
    expect(submit().textContent).toBe('Import 2 reports');
    await fireEvent.click(submit());
    await settle();
    expect(go.calls.find((c) => c.method === 'ImportCIReports')?.args).toEqual([
      'go-test-json',
      ['test.json', '~/Downloads/more.json'],
      'GitHub: main',
      '4f1c2e0',
    ]);
    const done = screen.getByTestId('ci-import-done');
    expect(done.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      '✓ Recorded run #12 "GitHub: main" of 4f1c2e0 on main: 3 tests, 2 passed, 1 failed.',
    );
    expect(screen.getByTestId('ci-import-run').getAttribute('href')).toBe('#/build/12');
    expect((screen.getByTestId('ci-import-files') as HTMLTextAreaElement).value).toBe('');
    expect(submit().disabled).toBe(true);
  });

  it('imports JUnit by default, with the defaults for the name and the commit', async () => {
    const go = mount();
    await fireEvent.input(screen.getByTestId('ci-import-files'), { target: { value: '/tmp/ci/junit.xml' } });
    expect(submit().textContent).toBe('Import');
    await fireEvent.click(submit());
    await settle();
    expect(go.calls.find((c) => c.method === 'ImportCIReports')?.args).toEqual(['junit', ['/tmp/ci/junit.xml'], '', '']);
  });

  it('shows a refusal as the backend said it, and keeps the files to correct', async () => {
    mount(() => {
      throw { code: 'conflict', message: 'reports/a.xml of 4f1c2e0 was imported already as run #9 ("CI: junit (a.xml)")' };
    });
    await fireEvent.input(screen.getByTestId('ci-import-files'), { target: { value: 'reports/a.xml' } });
    await fireEvent.click(submit());
    await settle();
    const alert = screen.getByTestId('ci-import-error');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toBe('reports/a.xml of 4f1c2e0 was imported already as run #9 ("CI: junit (a.xml)")');
    expect(screen.queryByTestId('ci-import-done')).toBeNull();
    expect((screen.getByTestId('ci-import-files') as HTMLTextAreaElement).value).toBe('reports/a.xml');
  });
});

describe('the Run on CI view of Build & Test', () => {
  it('has the form to bring CI results back under the export', async () => {
    const preview = { engine: 'github-actions', path: '.github/workflows/eightfold.yml', content: '', status: 'new', diff: '', notes: [], written: false };
    const go = new FakeGo({ ExportPreview: () => preview });
    render(BuildTest, { wb: new Workbench(go.api()) });
    await fireEvent.click(screen.getByTestId('view-ci'));
    await settle();
    expect(screen.getByTestId('ci-export').contains(screen.getByTestId('ci-import'))).toBe(true);
    expect(screen.getByRole('heading', { name: 'Bring CI results back' })).toBeTruthy();
  });
});
