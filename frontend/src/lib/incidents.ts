// How incidents read in the UI.

import { formatDuration } from './format';
import type { IncidentInfo } from './types';

const KINDS: Record<IncidentInfo['kind'], string> = {
  check_down: 'down',
  deploy_failed: 'deploy failed',
  rollback: 'rollback',
};

/** "down", "deploy failed", "rollback". */
export function incidentKind(i: Pick<IncidentInfo, 'kind'>): string {
  return KINDS[i.kind] ?? i.kind;
}

/** "open" while open, else how long it lasted ("2m 05s"). */
export function incidentDuration(i: Pick<IncidentInfo, 'resolved' | 'duration_ms'>): string {
  return i.resolved ? formatDuration(i.duration_ms) : 'open';
}

/** "2026-03-20 14:05 UTC" from an RFC 3339 time; "" for none. */
export function incidentTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '' : new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
