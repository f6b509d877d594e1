// Statuses for the loop ring's tests.

import type { Stage, StageId, StatusInfo } from './types';

const TITLES: [StageId, string, Stage['place']][] = [
  ['plan', 'Plan', 'plan'],
  ['code', 'Code', 'code'],
  ['build', 'Build', 'build'],
  ['test', 'Test', 'build'],
  ['release', 'Release', 'release'],
  ['deploy', 'Deploy', 'deploy'],
  ['operate', 'Operate', 'operate'],
  ['monitor', 'Monitor', 'monitor'],
];

/** The eight stages, all quiet but those given reasons. */
export function stages(reasons: Partial<Record<StageId, string>> = {}): Stage[] {
  return TITLES.map(([id, title, place]) => ({
    id,
    title,
    place,
    summary: `${title} summary`,
    attention: !!reasons[id],
    reason: reasons[id] ?? '',
  }));
}

/** A status with those stages; the facts behind them are empty. */
export function statusInfo(reasons: Partial<Record<StageId, string>> = {}): StatusInfo {
  return {
    project: { path: '/p', name: 'p', branch: 'main', commit: '', dirty: false, isGit: true, configSource: '', configError: '', demo: false, steps: [], places: [] },
    stages: stages(reasons),
    plan: { open: 0, over_limit: [] },
    code: { changed: 0, upstream: '', ahead: 0, behind: 0 },
    last_run: null,
    release: { last_version: '', unreleased: 0, next: '', reason: '', error: '' },
    targets: [],
    incidents: [],
    monitor: { days: 30, targets: [], frequency: 'none', per_week: 0, change_failure: 'none', change_failure_rate: null, error: '' },
  };
}
