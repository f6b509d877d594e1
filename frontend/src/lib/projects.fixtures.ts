// Test data for the start screen, the project switcher and ProjectsState.

import type { OpenProject, ProjectsInfo, RecentProject } from './types';

export const NOW = Date.parse('2025-03-10T12:00:00Z');
export const DAY_MS = 86_400_000;

export function openProject(over: Partial<OpenProject> = {}): OpenProject {
  return { path: '/home/dev/shop', name: 'shop', current: false, lastRun: null, watching: true, ...over };
}

export function recentProject(over: Partial<RecentProject> = {}): RecentProject {
  return { path: '/home/dev/shop', name: 'shop', openedMs: NOW - 3 * DAY_MS, exists: true, ...over };
}

export function projectsInfo(over: Partial<ProjectsInfo> = {}): ProjectsInfo {
  return { current: '', open: [], recent: [], ...over };
}
