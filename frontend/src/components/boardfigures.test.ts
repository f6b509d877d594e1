import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { formatSpan } from '../lib/format';
import BoardFigures from './BoardFigures.svelte';

describe('formatSpan', () => {
  it('reads in minutes, hours and days', () => {
    expect(formatSpan(45 * 60_000)).toBe('45m');
    expect(formatSpan(5 * 3_600_000 + 20 * 60_000)).toBe('5h 20m');
    expect(formatSpan(3 * 86_400_000)).toBe('3d');
    expect(formatSpan(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
    expect(formatSpan(12 * 86_400_000 + 5 * 3_600_000)).toBe('12d');
    expect(formatSpan(-5)).toBe('0m');
  });
});

describe('BoardFigures', () => {
  it('shows throughput per week and the median cycle time', () => {
    render(BoardFigures, {
      figures: {
        weeks: [
          { year: 2025, week: 10, start: '2025-03-03', cards: 1 },
          { year: 2025, week: 11, start: '2025-03-10', cards: 3 },
        ],
        delivered: 4,
        median_cycle_time_ms: 2 * 86_400_000 + 3 * 3_600_000,
      },
    });
    expect(screen.getByTestId('board-throughput').textContent).toBe('2.0/week delivered');
    expect(screen.getByTestId('board-cycle').textContent).toContain('median cycle 2d 3h');
  });

  it('says when nothing was delivered', () => {
    render(BoardFigures, { figures: { weeks: null, delivered: 0, median_cycle_time_ms: null } });
    expect(screen.getByTestId('board-throughput').textContent).toBe('0.0/week delivered');
    expect(screen.getByTestId('board-cycle').textContent).toContain('median cycle –');
  });
});
