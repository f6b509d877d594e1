import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { step } from '../testing/fake';
import StepList from './StepList.svelte';

describe('StepList', () => {
  it('shows duration and exit code only for steps that ran', () => {
    render(StepList, {
      steps: [
        step({ id: 1, name: 'build', status: 'failed', exit_code: 2, duration_ms: 1500 }),
        step({ id: 2, name: 'test', status: 'skipped', exit_code: -1, started_at: '', duration_ms: 0 }),
      ],
      selectedId: null,
      onselect: () => {},
    });
    const rows = screen.getAllByTestId('step-row');
    const durations = screen.getAllByTestId('step-duration').map((d) => d.textContent?.trim());
    expect(durations).toEqual(['1.5s', '']);
    expect(rows[0].textContent).toContain('exit 2');
    expect(rows[1].textContent).not.toContain('exit');
    expect(rows[1].dataset.status).toBe('skipped');
  });
});
