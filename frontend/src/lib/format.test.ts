import { describe, expect, it } from 'vitest';
import { step } from '../testing/fake';
import { formatBytes, formatDuration, formatRelative, liveDuration, plural, shortSha } from './format';
import { pickStep } from './status';

describe('format', () => {
  it.each([
    [0, '0ms'],
    [850, '850ms'],
    [12_340, '12.3s'],
    [125_000, '2m 05s'],
    [3_720_000, '1h 02m'],
  ])('duration %d → %s', (ms, want) => expect(formatDuration(ms)).toBe(want));

  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1229, '1.2 KiB'],
    [3.4 * 1024 * 1024, '3.4 MiB'],
    [200 * 1024 * 1024, '200 MiB'],
  ])('bytes %d → %s', (n, want) => expect(formatBytes(n)).toBe(want));

  it('says how long ago', () => {
    const now = Date.parse('2025-03-10T12:00:00Z');
    expect(formatRelative('2025-03-10T11:59:58Z', now)).toBe('just now');
    expect(formatRelative('2025-03-10T11:59:18Z', now)).toBe('42s ago');
    expect(formatRelative('2025-03-10T11:55:00Z', now)).toBe('5m ago');
    expect(formatRelative('2025-03-10T09:00:00Z', now)).toBe('3h ago');
    expect(formatRelative('2025-03-08T12:00:00Z', now)).toBe('2d ago');
    expect(formatRelative('2025-01-01T00:00:00Z', now)).toBe('2025-01-01');
    expect(formatRelative('', now)).toBe('');
  });

  it('ticks the duration of what is running only', () => {
    const now = Date.parse('2025-03-10T12:00:10Z');
    const started_at = '2025-03-10T12:00:00Z';
    expect(liveDuration({ status: 'running', started_at, duration_ms: 2000 }, now)).toBe(10_000);
    expect(liveDuration({ status: 'passed', started_at, duration_ms: 2000 }, now)).toBe(2000);
  });

  it('shortens commits', () => expect(shortSha('0123456789abcdef')).toBe('0123456'));

  it.each([
    [1, 'host', undefined, '1 host'],
    [3, 'host', undefined, '3 hosts'],
    [0, 'host', undefined, '0 hosts'],
    [1, 'flaky test', undefined, '1 flaky test'],
    [2, 'flaky test', undefined, '2 flaky tests'],
    [1, 'day', 'days', '1 day'],
    [1, 'match', 'matches', '1 match'],
    [4, 'match', 'matches', '4 matches'],
  ])('plural %d %s (%s) → %s', (n, one, many, want) => expect(plural(n, one, many)).toBe(want));
});

describe('pickStep', () => {
  it('prefers the first failure, then the running step, then the last that ran', () => {
    const a = step({ id: 1, status: 'passed' });
    const b = step({ id: 2, status: 'failed' });
    const c = step({ id: 3, status: 'running' });
    const d = step({ id: 4, status: 'pending' });
    expect(pickStep([a, b, c])?.id).toBe(2);
    expect(pickStep([a, c, d])?.id).toBe(3);
    expect(pickStep([a, { ...a, id: 5 }, { ...d, status: 'skipped' }])?.id).toBe(5);
    expect(pickStep([d])?.id).toBe(4);
    expect(pickStep([])).toBeUndefined();
  });
});
