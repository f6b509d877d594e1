import { describe, expect, it } from 'vitest';
import { incidentDuration, incidentKind, incidentTime } from './incidents';

describe('incidents', () => {
  it('names kinds', () => {
    expect(incidentKind({ kind: 'check_down' })).toBe('down');
    expect(incidentKind({ kind: 'deploy_failed' })).toBe('deploy failed');
    expect(incidentKind({ kind: 'rollback' })).toBe('rollback');
  });

  it('says open, or how long it lasted', () => {
    expect(incidentDuration({ resolved: '', duration_ms: 0 })).toBe('open');
    expect(incidentDuration({ resolved: '2026-03-20T14:07:05Z', duration_ms: 125_000 })).toBe('2m 05s');
  });

  it('writes times in UTC to the minute', () => {
    expect(incidentTime('2026-03-20T14:05:59.123Z')).toBe('2026-03-20 14:05 UTC');
    expect(incidentTime('')).toBe('');
  });
});
