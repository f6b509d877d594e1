import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { FakeGo, run, step } from '../testing/fake';
import RunDetail from './RunDetail.svelte';
import RunsList from './RunsList.svelte';

const ci = run({ id: 7, trigger: 'ci', name: 'CI: junit (3 files)', status: 'failed', steps: [step({ name: 'import', status: 'failed' })] });

describe('an imported CI run', () => {
  it('shows as CI with its name in the runs list', () => {
    render(RunsList, { runs: [ci, run({ id: 6 })], loaded: true, selectedId: null, onselect: () => {} });
    const [ciRow, localRow] = screen.getAllByTestId('run-row');
    expect(within(ciRow).getByTestId('run-cause').textContent).toBe('CI');
    expect(within(ciRow).getByTestId('run-name').textContent).toBe('CI: junit (3 files)');
    expect(within(localRow).getByTestId('run-cause').textContent).toBe('manual');
    expect(within(localRow).queryByTestId('run-name')).toBeNull();
  });

  it('shows as CI with its name in the run view', () => {
    const go = new FakeGo({ StepLog: () => ({ chunks: [], nextSeq: 0, more: false }) });
    render(RunDetail, { run: ci, api: go.api(), resync: 0, tab: 'steps', onerror: () => {}, onclose: () => {} });
    const header = screen.getByTestId('run-detail');
    expect(within(header).getByTestId('run-trigger').textContent).toBe('CI');
    expect(within(header).getByTestId('run-name').textContent).toBe('CI: junit (3 files)');
  });
});
