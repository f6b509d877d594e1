// The CI import form's pure parts: the report formats, the file list typed one path a line,
// and what to say about the run recorded (docs/ci.md, "Bring the results back").

import type { CIReportFormat, RunInfo } from './types';

export interface ReportFormatInfo {
  id: CIReportFormat;
  label: string;
  /** An example path, for the file list's placeholder. */
  example: string;
}

/** The formats in the order offered. */
export const REPORT_FORMATS: readonly ReportFormatInfo[] = [
  { id: 'junit', label: 'JUnit XML', example: 'reports/junit.xml' },
  { id: 'go-test-json', label: 'go test -json', example: 'test.json' },
];

/** The report paths of the file list: one a line, trimmed, blank lines dropped. */
export function reportPaths(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The run ImportCIReports recorded, in words after its link: `"GitHub: main" of 4f1c2e0 on main: 18 tests, 8 passed, 7 failed, 3 skipped.` */
export function importedSummary(run: RunInfo): string {
  const where = run.branch ? ` on ${run.branch}` : '';
  const t = run.tests;
  const counts = [`${t.passed} passed`, t.failed ? `${t.failed} failed` : '', t.skipped ? `${t.skipped} skipped` : ''];
  const tests = `${t.total} ${t.total === 1 ? 'test' : 'tests'}, ${counts.filter(Boolean).join(', ')}`;
  return `"${run.name}" of ${run.commit.slice(0, 7)}${where}: ${tests}.`;
}
