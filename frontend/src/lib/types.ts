// DTOs of the App API, as documented in docs/api.md.

export type PlaceId = 'plan' | 'code' | 'build' | 'release' | 'deploy' | 'operate' | 'monitor';

export interface Place {
  id: PlaceId;
  title: string;
  ready: boolean;
  note: string;
}

export interface StepPlan {
  name: string;
  run: string;
  origin: string;
  timeoutMs: number;
}

export interface ProjectInfo {
  path: string;
  name: string;
  branch: string;
  commit: string;
  dirty: boolean;
  isGit: boolean;
  configSource: string;
  /** Why eightfold.yaml does not load (file:line:col: …); "" when it does. */
  configError: string;
  steps: StepPlan[];
  places: Place[];
}

export type RunStatus = 'running' | 'passed' | 'failed' | 'cancelled' | 'interrupted' | 'error';

export type StepStatus =
  | 'pending'
  | 'running'
  | 'passed'
  | 'failed'
  | 'cancelled'
  | 'timeout'
  | 'interrupted'
  | 'skipped'
  | 'error';

export interface TestCounts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  /** passed only on a retry; counted in passed too */
  flaky: number;
}

export interface StepInfo {
  id: number;
  name: string;
  command: string;
  status: StepStatus;
  exit_code: number;
  started_at: string;
  duration_ms: number;
  log_bytes: number;
  truncated: boolean;
}

/** Why a run started: the Run button or `eightfold run`, `eightfold watch` starting, a file change. */
export type Trigger = 'manual' | 'start' | 'change';

/** Which Go packages a run tested, and why each (see docs/api.md). */
export interface TestScope {
  all: boolean;
  reason: string;
  packages: string[];
  /** Import path → "changed", "imports P" or "test imports P". */
  why: Record<string, string>;
}

export interface RunInfo {
  id: number;
  project: string;
  status: RunStatus;
  /** A Trigger; other words may come from newer versions. */
  trigger: Trigger | (string & {});
  commit: string;
  branch: string;
  dirty: boolean;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  error: string;
  /** Why the run ended early (e.g. cancelled by the user); "" otherwise. */
  reason: string;
  /** For a run started by a file change: the changed paths (at most 100); [] otherwise. */
  changed_files: string[];
  /** How many paths changed in all. */
  changed_count: number;
  /** Watch mode in a Go module: the packages this run tested and why; null: the pipeline as configured. */
  scope: TestScope | null;
  steps: StepInfo[];
  tests: TestCounts;
}

export type LogStream = 'stdout' | 'stderr' | 'meta';

export interface LogChunk {
  seq: number;
  ts: number;
  stream: LogStream;
  text: string;
}

export interface LogPage {
  chunks: LogChunk[];
  nextSeq: number;
  more: boolean;
}

export interface LogAppended {
  runId: number;
  stepId: number;
  seq: number;
}

/** What the faces show about watching the repository. */
export interface WatchState {
  /** The repository is watched. */
  watching: boolean;
  /** Directories watched. */
  dirs: number;
  /** Changes start runs. */
  auto: boolean;
  /** Changed paths waiting for a run (auto-run off, or queued behind a run). */
  pending: number;
  /** Non-empty: auto-run was paused because the pipeline retriggers itself; says which files to ignore. */
  loop: string;
  /** Why watching failed or is degraded (e.g. an inotify limit, with the command to raise it). */
  error: string;
}

/** Event topics and their payloads. */
export interface EventMap {
  'run.started': RunInfo;
  'run.updated': RunInfo;
  'run.finished': RunInfo;
  'log.appended': LogAppended;
  'project.changed': ProjectInfo;
  'watch.state': WatchState;
}

export type Topic = keyof EventMap;
