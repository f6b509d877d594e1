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
  /** Made by `eightfold demo`: the guided tour is offered. */
  demo: boolean;
}

// Projects and onboarding (docs/api.md, "Projects and onboarding").

/** One project open in this process; each has its own watcher and health checks. */
export interface OpenProject {
  path: string;
  name: string;
  /** The one the window shows and every other method acts on. */
  current: boolean;
  /** Its newest run; null before the first. */
  lastRun: RunInfo | null;
  watching: boolean;
}

/** A folder opened before, newest first. */
export interface RecentProject {
  path: string;
  name: string;
  /** When it was last opened (Unix milliseconds). */
  openedMs: number;
  /** False when the folder is gone. */
  exists: boolean;
}

export interface ProjectsInfo {
  /** The current project's absolute path; "" when none is open (the start screen). */
  current: string;
  open: OpenProject[];
  /** Newest first, at most 20, the open ones included. */
  recent: RecentProject[];
  /** Why the folder the workbench was started on did not open, while none is open; "" otherwise. */
  problem?: string;
}

/** The commented eightfold.yaml Eightfold would write for the current project (WriteConfig). */
export interface ConfigPreview {
  yaml: string;
  /** The files the pipeline was detected from, e.g. ["go.mod"]. */
  detectedFrom: string[];
  /** eightfold.yaml is there already: WriteConfig would be refused. */
  exists: boolean;
}

/** The project.switched payload: the new current project; path "" when none is open. */
export interface ProjectRef {
  path: string;
  name: string;
}

/** The guided tour's edits to the demo (DemoEdit): a failing test in the work tree; a committed change that fails health. */
export type DemoEditName = 'break-test' | 'break-health';

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

/** Why a run started: the Run button or `eightfold run`, `eightfold watch` starting, a file change, or a CI run imported by `eightfold import`. */
export type Trigger = 'manual' | 'start' | 'change' | 'ci';

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
  /** An imported CI run's name ("CI: junit (3 files)", or its --run-name); "" for the pipeline's runs. */
  name: string;
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

export type TestStatus = 'passed' | 'failed' | 'skipped' | 'errored';

/** One test's result in a run. */
export interface TestResultInfo {
  id: number;
  run_id: number;
  step_id: number;
  /** The test across runs: same suite and name, same id. */
  test_id: number;
  /** Go package, JUnit suite or class, TAP step name. */
  suite: string;
  /** Subtests as a path ("TestA/case_1"); "[build failed]", "[suite failed]", "[bail out]" stand for a whole suite. */
  name: string;
  /** Newer versions may add words. */
  status: TestStatus | (string & {});
  duration_ms: number;
  /** 1; more when retries reran it. */
  attempts: number;
  /** Passed only on a retry; message keeps the failure it recovered from. */
  flaky: boolean;
  /** Why it failed or was skipped (at most 4 KiB). */
  message: string;
  /** Where it failed, when the report says ("" and 0 otherwise). */
  file: string;
  line: number;
  /** Why the test's history up to this run calls it flaky (as FlakyInfo); null when it does not, and outside RunTests. */
  flaky_history: FlakyHistory | null;
}

/** Why a test is flaky: FlakyInfo's reasons, the runs that show them, its flips on committed code. */
export interface FlakyHistory {
  reasons: (FlakyReason | (string & {}))[];
  /** Run ids, oldest first. */
  evidence: number[];
  flips: number;
}

/** Filters for RunTests; {} lists every test by suite and name. */
export interface TestQuery {
  /** Failed or errored only. */
  failed?: boolean;
  /** Flaky only: passed on a retry, or flaky by its history. */
  flaky?: boolean;
  /** Slowest first. */
  slow?: boolean;
  /** Substring of the suite or name, any case. */
  name?: string;
  /** ≤ 0: all. */
  limit?: number;
}

/** One result in a test's history. */
export interface TestOutcome {
  run_id: number;
  result_id: number;
  status: TestStatus | (string & {});
  duration_ms: number;
  flaky: boolean;
  commit: string;
  started_at: string;
}

export interface TestDetail {
  result: TestResultInfo;
  /** What the test printed (at most 64 KiB). */
  output: string;
  /** Newest first, at most 30, up to this result's run. */
  history: TestOutcome[];
  /** The newest run, up to this result's, that the test passed in; 0: never. */
  last_passed_run: number;
  /** The first run of the failures this result belongs to; 0 when it is not a failure. */
  failing_since: number;
  /** Median duration of the passing results in history; 0: none. */
  median_ms: number;
}

/** Another run, named. */
export interface RunRef {
  id: number;
  commit: string;
  dirty: boolean;
  started_at: string;
}

export interface CommitInfo {
  sha: string;
  subject: string;
  author: string;
  /** RFC 3339. */
  when: string;
}

/** What changed in the code between two runs. */
export interface ChangesInfo {
  /** Newest first. */
  commits: CommitInfo[];
  more_commits: number;
  files: string[];
  /** What the lists cannot show (uncommitted changes, or why git could not tell); "" when they are the whole story. */
  note: string;
}

/** A test that ran at least twice as long as its median. */
export interface RegressionInfo extends TestResultInfo {
  median_ms: number;
  samples: number;
}

export interface RunInsights {
  run_id: number;
  /** The newest passed and failed runs before this one; null: none. */
  last_green: RunRef | null;
  last_red: RunRef | null;
  /** Fail here and did not fail in last_green (every failure when there is none). */
  newly_failing: TestResultInfo[];
  /** Pass here and failed in last_red. */
  fixed: TestResultInfo[];
  /** At most 10. */
  slowest: TestResultInfo[];
  regressions: RegressionInfo[];
  /** What changed in the code since last_green; null without one. */
  since_green: ChangesInfo | null;
}

/** "passed-on-retry", "same-code" (failed and passed on the same tree), "flips" (changed between passing and failing 3 times or more). */
export type FlakyReason = 'passed-on-retry' | 'same-code' | 'flips';

export interface FlakyInfo {
  test_id: number;
  suite: string;
  name: string;
  reasons: (FlakyReason | (string & {}))[];
  /** Run ids that show it, oldest first. */
  evidence: number[];
  flips: number;
  failures: number;
  last_run: number;
}

// The plan board (docs/api.md, "The plan board").

export type ColumnCategory = 'backlog' | 'started' | 'done' | 'canceled';
export type DueState = '' | 'due_soon' | 'overdue';

export interface LabelInfo {
  id: number;
  name: string;
  /** #rrggbb */
  color: string;
}

export interface CardInfo {
  id: number;
  /** Per project: 1, 2, 3… (never reused). */
  number: number;
  /** "APP-12", or "#12" without a project key. */
  key: string;
  title: string;
  assignee: string;
  /** YYYY-MM-DD or "". */
  due: string;
  /** Due within two days (today included) / before today; "" in done and canceled columns. */
  due_state: DueState | (string & {});
  column_id: number;
  column: string;
  /** Its order in the column: compare as strings. */
  rank: string;
  /** Where its journey is. */
  stage: string;
  /** What its journey last reported failing; "" when fine. */
  failure: string;
  labels: LabelInfo[] | null;
  checklist_done: number;
  checklist_total: number;
  created_at: string;
  updated_at: string;
  /** When it entered its column. */
  entered_at: string;
}

export interface ColumnInfo {
  id: number;
  name: string;
  category: ColumnCategory | (string & {});
  stage: string;
  /** 0: none. */
  wip_limit: number;
  count: number;
  /** count > wip_limit > 0: the pill is red (a move is never blocked). */
  over_limit: boolean;
  cards: CardInfo[] | null;
}

export interface BoardInfo {
  /** The project key ("APP"); "" → cards are named "#12". */
  key: string;
  columns: ColumnInfo[] | null;
  labels: LabelInfo[] | null;
  /** The local date (YYYY-MM-DD) due states were computed for. */
  today: string;
  figures: BoardFigures;
}

/** Throughput and cycle time over the last 8 ISO weeks. */
export interface BoardFigures {
  /** Oldest first; the last is the current week so far. */
  weeks: WeekFigure[] | null;
  /** Cards that first reached Production in those weeks. */
  delivered: number;
  /** Their median cycle time; null when none was delivered. */
  median_cycle_time_ms: number | null;
}

export interface WeekFigure {
  year: number;
  week: number;
  /** Its Monday, YYYY-MM-DD. */
  start: string;
  /** Cards that first reached Production that week. */
  cards: number;
}

/** A card's times, from its transitions (undone moves and reorders left out); durations in ms. */
export interface CardFigures {
  age_ms: number;
  time_in_column_ms: number;
  started: boolean;
  started_at: string;
  delivered: boolean;
  delivered_at: string;
  /** Creation → first Production; null until delivered. */
  lead_time_ms: number | null;
  /** First Code (or later) → first Production; null until delivered. */
  cycle_time_ms: number | null;
}

export interface NewCard {
  title: string;
  description?: string;
  assignee?: string;
  due?: string;
  /** 0 or absent: the first backlog column. */
  column_id?: number;
  label_ids?: number[];
}

/** Absent: unchanged; "" clears (not the title). */
export interface CardPatch {
  title?: string;
  description?: string;
  assignee?: string;
  due?: string;
}

export interface ChecklistItemInfo {
  id: number;
  card_id: number;
  text: string;
  done: boolean;
}

export interface LinkInfo {
  kind: 'commit' | 'branch' | 'run' | 'release' | 'deploy' | (string & {});
  ref: string;
  closing: boolean;
  title: string;
  at: string;
}

export interface TransitionInfo {
  id: number;
  /** 0 and "": the card was created. */
  from_column_id: number;
  from_column: string;
  to_column_id: number;
  to_column: string;
  from_stage: string;
  to_stage: string;
  cause_kind: 'user' | 'column' | 'undo' | 'commit' | 'branch' | 'run' | 'release' | 'deploy' | (string & {});
  cause_ref: string;
  at: string;
  undone: boolean;
}

export interface CardDetail {
  card: CardInfo;
  /** The markdown source. */
  description: string;
  /** Rendered and sanitised by the backend: safe to insert as HTML. */
  description_html: string;
  checklist: ChecklistItemInfo[] | null;
  links: LinkInfo[] | null;
  transitions: TransitionInfo[] | null;
  figures: CardFigures;
  /** Where the card's work runs now: per target, its current deploy (rollbacks included) when it contains the card's closing commits. */
  environments: EnvironmentInfo[] | null;
}

export interface EnvironmentInfo {
  /** "staging" or "production" (the target's kind), as the card's deploy links say. */
  env: string;
  /** The target's own name. */
  target?: string;
  version: string;
  at: string;
}

export interface NewColumn {
  name: string;
  category: ColumnCategory;
  stage?: string;
  wip_limit?: number;
  /** 0 or absent: at the end. */
  after_column_id?: number;
}

export interface BoardChanged {
  what: 'card' | 'column' | 'label' | 'board' | (string & {});
  card: CardInfo | null;
}

// Releases (docs/api.md, "Releases").

/** One unreleased commit. */
export interface ReleaseEntry {
  sha: string;
  short: string;
  subject: string;
  /** The conventional-commit type ("feat", "fix", …); "" when the subject has none. */
  type: string;
  breaking: boolean;
  cards: string[] | null;
}

export type ReleaseBlockerCode =
  | 'dirty'
  | 'no_run'
  | 'not_green'
  | 'ci_failed'
  | 'tag_exists'
  | 'artifact_missing'
  | 'artifact_changed'
  | 'nothing_to_release'
  | 'no_commit';

/** Why Release would be refused now. */
export interface ReleaseBlocker {
  code: ReleaseBlockerCode;
  message: string;
}

export interface ArtifactInfo {
  step: string;
  pattern: string;
  /** "": the pattern matched nothing. */
  path: string;
  size: number;
  /** "" in a preview. */
  sha256: string;
}

/** What Release would do now. */
export interface ReleasePreview {
  head: string;
  last_tag: string;
  last_version: string;
  commits: number;
  release: boolean;
  version: string;
  tag: string;
  bump: string;
  /** e.g. "feat: in 3 commits". */
  reason: string;
  /** Markdown. */
  changelog: string;
  /** The same, rendered and sanitised by Go: safe to insert as HTML. */
  changelog_html: string;
  /** The unreleased commits, newest first. */
  entries: ReleaseEntry[] | null;
  /** The work tree has uncommitted changes. */
  dirty: boolean;
  /** HEAD's last full run on exactly this tree. */
  run: { id: number; status: string } | null;
  artifacts: ArtifactInfo[] | null;
  /** Card keys the release would contain. */
  cards: string[] | null;
  /** Why Release would be refused now; 'dirty' alone can be overridden with allow_dirty. */
  blockers: ReleaseBlocker[] | null;
}

export interface ReleaseOptions {
  /** "": from the commits; "major", "minor", "patch", or an explicit version like "2.0.0". */
  bump: string;
  dry_run: boolean;
  allow_dirty: boolean;
  /** What the face previewed: the release is refused when HEAD or the version moved since ("" checks nothing). */
  expect_head?: string;
  expect_version?: string;
}

export interface ReleaseInfo {
  id: number;
  version: string;
  tag: string;
  commit: string;
  run_id: number;
  dirty: boolean;
  bump: string;
  reason: string;
  changelog: string;
  changelog_html: string;
  artifacts: ArtifactInfo[] | null;
  cards: string[] | null;
  created_at: string;
  dry_run: boolean;
  /** The commit that updated CHANGELOG.md; "" when not configured. */
  changelog_commit: string;
}

// Deploys (docs/api.md, "Deploys").

export type DeployStepName =
  | 'lock'
  | 'upload'
  | 'link'
  | 'before_switch'
  | 'switch'
  | 'start'
  | 'health'
  | 'rollback'
  | 'after_deploy'
  | 'prune'
  | 'unlock';

export type DeployStepStatus = 'running' | 'passed' | 'failed' | 'skipped';

/** A step of a deploy, as it starts, progresses and ends. */
export interface DeployStep {
  /** A target with several hosts: the host it happened on (HostInfo.host). */
  host?: string;
  name: DeployStepName | (string & {});
  status: DeployStepStatus | (string & {});
  /** What it did or why it failed. */
  detail: string;
  /** Upload progress in bytes; 0 and 0 for the other steps. */
  done: number;
  total: number;
}

export type DeployKind = 'deploy' | 'promote' | 'rollback';
export type DeployStatus = 'running' | 'succeeded' | 'failed';

/** A deploy, promotion or rollback, running or done. */
/** What syncing one target's audit logs recorded (App.SyncDeploys; docs/api.md). */
export interface DeploySync {
  target: string;
  /** The deploys and rollbacks it recorded, which the history lacked. */
  recorded: DeployInfo[];
  /** How many of the logs' deploys the history knew already. */
  known: number;
  /** Lines of the logs it could not read, each naming its host and line. */
  skipped: string[];
  /** Why the target's logs could not be read; "" when they were. */
  failure: string;
  /** The fingerprint of a host's unknown key, when that is why; trust it, then sync again. */
  host_key: string;
}

export interface DeployInfo {
  id: number;
  target: string;
  kind: DeployKind | (string & {});
  release_id: number;
  /** What it ships; "" for a rollback until it knows what it rolled back to. */
  version: string;
  commit: string;
  /** user@machine. */
  who: string;
  host: string;
  status: DeployStatus | (string & {});
  /** Why it failed; "" otherwise. */
  failure: string;
  /** "SHA256:…" when the server's host key is unknown: offer to trust it with TrustHostKey. */
  host_key: string;
  /** A target with several hosts: the host (HostInfo.host) that presented host_key. */
  host_key_host?: string;
  /** What went wrong after the release was current and healthy (after_deploy, unlock): the deploy succeeded all the same. */
  warnings?: string[];
  release_dir: string;
  rolled_back: boolean;
  uploaded: number;
  linked: number;
  uploaded_bytes: number;
  total_bytes: number;
  steps: DeployStep[] | null;
  log: string;
  started_at: string;
  /** "" while running. */
  finished_at: string;
  /** A target with several hosts: how it went on each, in their order, updated live; [] (or absent) for one host. */
  hosts?: HostInfo[];
}

/** How a rollout left one host: untouched → running → deployed or failed; deployed becomes "rolled back" when a later host fails. */
export type HostState = 'untouched' | 'running' | 'deployed' | 'failed' | 'rolled back';

/** One host of a deploy (or rollback) of a target with several hosts (docs/api.md, HostInfo). */
export interface HostInfo {
  /** user@host:port (":path" added when two hosts share the address). */
  host: string;
  state: HostState | (string & {});
  /** The release directory made (or, for a rollback, chosen) there, and its version. */
  release: string;
  version: string;
  /** What current pointed to before; "" for a first deploy. */
  previous: string;
  previous_version: string;
  /** What current points to now; "" when nothing does. */
  current: string;
  /** Why it failed there. */
  failure: string;
  /** "SHA256:…" when this host's key is unknown and stopped the rollout. */
  host_key?: string;
  /** RFC 3339: when its own deploy (or rollback) started, for a live elapsed time; "" while untouched. */
  started_at?: string;
  took_ms: number;
}

/** A host of a target with several hosts, with the release Eightfold's records say it runs ("" when none yet). */
export interface TargetHostInfo {
  host: string;
  path: string;
  release: string;
  version: string;
}

/** A deploy target of eightfold.yaml with what it runs. */
export interface TargetInfo {
  name: string;
  kind: 'ssh' | 'local' | (string & {});
  /** "local", or user@host:port. */
  host: string;
  path: string;
  production: boolean;
  /** The target it takes its releases from; "" when none. */
  promote_from: string;
  health_url: string;
  /** Its last successful deploy: what it runs; null: nothing yet. */
  current: DeployInfo | null;
  /** Its newest deploy, whatever its outcome. */
  last: DeployInfo | null;
  /** A target with several hosts: how many are deployed at once (1 otherwise). */
  parallel?: number;
  /** A target with several hosts: each with what it runs; [] (or absent) for one host. */
  hosts?: TargetHostInfo[];
}

export interface DeployOptions {
  target: string;
  /** A version or tag; "" is the newest release. */
  release: string;
  /** Remove the target's lock first (its holder is gone). */
  force_unlock: boolean;
  /** The person's explicit yes: required for production targets. */
  confirm: boolean;
}

// The Monitor place (docs/api.md, "Monitor"): the dashboard's trends and the DORA keys.

/** What the Monitor dashboard draws over a period of whole UTC days ending today. */
export interface Trends {
  days: number;
  /** RFC 3339: the start of the first day. */
  from: string;
  /** RFC 3339: the end of today, exclusive. */
  to: string;
  /** Oldest first, one per day. */
  daily: TrendDay[];
  /** ISO weeks, oldest first; each lists every target of `targets`. */
  weeks: DeployWeek[];
  /** The targets with a deploy that ended in the period, by name. */
  targets: string[];
  /** The checks with a result in the period, targets first. */
  uptime: CheckUptime[];
}

export interface TrendDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** The runs that finished that day, passed, failed, timed out or in error (cancelled ones are left out). */
  runs: TrendRunInfo[];
  passed: number;
  /** passed / runs.length; null without runs. */
  pass_rate: number | null;
  build: DurationStats;
  test: DurationStats;
  /** The tests a run of that day shows to be flaky. */
  flaky: FlakyOnDay[];
}

export interface TrendRunInfo {
  id: number;
  status: string;
  finished_at: string;
  /** Its build steps' time; null when none ran to an end. */
  build_ms: number | null;
  test_ms: number | null;
}

/** Median and 90th percentile of the day's runs; null when no run timed such a step. */
export interface DurationStats {
  median_ms: number | null;
  p90_ms: number | null;
  runs: number;
}

export interface FlakyOnDay {
  test_id: number;
  suite: string;
  name: string;
  runs: number[];
}

export interface DeployWeek {
  /** "2026-W12". */
  week: string;
  /** Its Monday, YYYY-MM-DD. */
  start: string;
  targets: TargetWeek[];
}

export interface TargetWeek {
  target: string;
  succeeded: number;
  failed: number;
  /** Oldest first. */
  deploys: DeployRef[];
}

export interface DeployRef {
  id: number;
  target: string;
  kind: string;
  version: string;
  status: 'succeeded' | 'failed';
  finished_at: string;
}

export interface CheckUptime {
  /** "target:staging", "check:api". */
  check: string;
  kind: 'target' | 'check' | (string & {});
  name: string;
  url: string;
  /** Over the period. */
  uptime: number | null;
  /** Oldest first, one per day. */
  days: UptimeBar[];
}

export interface UptimeBar {
  day: string;
  total: number;
  ok: number;
  /** ok / total; null without a result. */
  uptime: number | null;
}

export type FrequencyBand = 'daily' | 'weekly' | 'monthly' | 'yearly' | 'none';
export type SpanBand = 'one_day' | 'one_week' | 'one_month' | 'six_months' | 'one_year' | 'none';
export type FailureBand = '0-15%' | '16-30%' | '31-45%' | '46-60%' | '61-100%' | 'none';

/** The four DORA keys over a period, with the deploys and incidents behind them. */
export interface DoraReport {
  days: number;
  /** RFC 3339. */
  from: string;
  to: string;
  /** The production targets counted. */
  targets: string[];
  frequency: { deploys: number; deploy_days: number; per_week: number; band: FrequencyBand; definition: string };
  /** ignored: commits whose lead time was zero or less (clock skew, rewritten dates). */
  lead_time: { median_ms: number | null; commits: number; ignored: number; band: SpanBand; definition: string };
  change_failure: { rate: number | null; failed: number; deploys: number; band: FailureBand; definition: string };
  /** open: incidents detected in the period and still open, not counted. */
  restore: { median_ms: number | null; incidents: number; open: number; band: SpanBand; definition: string };
  /** Every production deploy counted, newest first. */
  deploys: DoraDeploy[];
  /** Every incident counted for time to restore, newest first. */
  incidents: DoraIncident[];
}

export interface DoraDeploy {
  id: number;
  target: string;
  kind: string;
  version: string;
  commit: string;
  finished: string;
  status: 'succeeded' | 'failed';
  commits: number;
  lead_median_ms: number | null;
  failed: boolean;
  /** Why it counts as a failed change: ["health gate"], ["incident #3"], ["rollback #45"]. */
  failed_by: string[];
}

export interface DoraIncident {
  id: number;
  kind: string;
  title: string;
  target: string;
  started: string;
  resolved: string;
  restore_ms: number;
  deploy_id: number;
}

/** A health check and how it stands (Checks; the payload of check.updated). */
export interface CheckInfo {
  /** "target:staging", "check:api". */
  name: string;
  url: string;
  /** "" when not monitored now. */
  state: 'UP' | 'DOWN' | 'PENDING' | '';
  since: string;
  status: number;
  took_ms: number;
  reason: string;
  /** From 0 to 1; -1 without results. */
  uptime_7d: number;
  /** A target with several hosts: each host's check, combined above (DOWN when one is). */
  hosts?: CheckInfo[];
}

/** A deploy target as the Operate view shows it (Operate). */
export interface OperateTarget {
  name: string;
  kind: 'ssh' | 'local';
  host: string;
  path: string;
  production: boolean;
  /** Its last successful deploy, promotion or rollback; null: nothing yet. */
  running: RunningInfo | null;
  /** The check "target:NAME" (with hosts: theirs combined, each in health.hosts); null: the target has no health check. */
  health: CheckInfo | null;
  /** Open, newest first. */
  incidents: IncidentBrief[];
  /** The logs command, or the app log file followed; "" when there is none. */
  logs: string;
  /** The start command; "": no restart. */
  start: string;
  /** The stop command; "": no stop. */
  stop: string;
  /** A target with several hosts: each with what it runs and its health; [] for one host. */
  hosts?: OperateHost[];
}

/** A host of a target with several, in the Operate view. */
export interface OperateHost extends TargetHostInfo {
  /** Its check "target:NAME@HOST"; null: no health check, or not checked yet. */
  health: CheckInfo | null;
}

export interface RunningInfo {
  deploy_id: number;
  kind: string;
  version: string;
  commit: string;
  who: string;
  /** RFC 3339: when that deploy ended. */
  since: string;
}

export interface IncidentBrief {
  id: number;
  kind: 'check_down' | 'deploy_failed' | 'rollback' | (string & {});
  title: string;
  started_at: string;
}

/** A target's deploy lock (OperateLock). */
export interface LockInfo {
  held: boolean;
  /** "" when the lock has no holder file. */
  who: string;
  since: string;
  action: string;
  version: string;
  /** The host whose lock this is (with hosts: the first held); "" for a target with one host. */
  host?: string;
  /** A target with several hosts: each host's lock, in their order; [] for one host. */
  hosts?: LockInfo[];
}

/** How a restart or stop went on one host of a target with several. */
export interface OperateHostResult {
  host: string;
  state: 'done' | 'failed' | 'not run';
  release: string;
  failure: string;
}

/** How a restart or stop went (RestartTarget, StopTarget). */
export interface OperateResult {
  target: string;
  action: 'restart' | 'stop';
  ok: boolean;
  release: string;
  version: string;
  failure: string;
  /** The command's last lines, scrubbed ("[host] " before each for a target with several hosts). */
  output: string[];
  took_ms: number;
  /** A target with several hosts: how it went on each, done until the first that failed; [] for one host. */
  hosts?: OperateHostResult[];
}

/** A log stream OpenLogs started. */
export interface LogStreamInfo {
  id: string;
  target: string;
  source: string;
  host: string;
  /** Call KeepLogs more often than this, or the stream ends. */
  keep_ms: number;
}

/** The payload of operate.log: a log stream's new lines. */
export interface LogBatch {
  stream: string;
  lines: string[];
  /** Lines dropped before these: the output came faster than it is shown. */
  skipped: number;
  /** The stream is over: no batch follows. */
  ended: boolean;
  reason: string;
  /** It ended by an error (a dropped connection, a failed command). */
  failed: boolean;
}

/** Event topics and their payloads. */
/** An incident: a check that went DOWN, a deploy that failed after its release started, or a rollback (docs/api.md, "Incidents"). */
export interface IncidentInfo {
  id: number;
  kind: 'check_down' | 'deploy_failed' | 'rollback';
  title: string;
  /** The target it concerns; "" for none. */
  target: string;
  /** The check that went down ("check:api"); "" for none. */
  check: string;
  /** RFC 3339. */
  started: string;
  /** RFC 3339; "" while open. */
  resolved: string;
  /** 0 while open. */
  duration_ms: number;
  /** The deploy it is about (or that preceded it); 0: none. */
  deploy_id: number;
  deploy_version: string;
  note: string;
  /** The full SHA of the root-cause commit, or "". */
  root_cause: string;
  root_cause_subject: string;
  /** The card made from it; 0: none. */
  card_id: number;
  /** "#12" or "APP-12"; "" without a card. */
  card_key: string;
}

// The whole loop on one screen (docs/api.md, "Status"): what `eightfold status` prints and the loop ring shows.

/** The eight stages of the loop, in loop order. */
export type StageId = 'plan' | 'code' | 'build' | 'test' | 'release' | 'deploy' | 'operate' | 'monitor';

/** A stage of the loop ring. */
export interface Stage {
  id: StageId;
  title: string;
  /** One short line: "5 open · Code 3/2 WIP". */
  summary: string;
  attention: boolean;
  /** Why it needs attention; "" when it does not. */
  reason: string;
  /** The place that shows it (test: build). */
  place: PlaceId;
}

export interface StatusTarget {
  name: string;
  production: boolean;
  /** Of its last successful deploy; "" before the first. */
  version: string;
  since: string;
  /** UP, DOWN, PENDING; else DOWN/FAILING/UP/UNKNOWN from the store; "" without a check. */
  health: string;
  reason: string;
  /** -1 without results. */
  uptime_7d: number;
  /** Its newest deploy, whatever its outcome; null before the first. */
  last_deploy: { id: number; kind: string; version: string; status: 'running' | 'succeeded' | 'failed' } | null;
}

export interface StatusInfo {
  project: ProjectInfo;
  /** The eight stages in loop order. */
  stages: Stage[];
  plan: { open: number; over_limit: { name: string; count: number; wip_limit: number }[] };
  code: { changed: number; upstream: string; ahead: number; behind: number };
  last_run: RunInfo | null;
  release: { last_version: string; unreleased: number; next: string; reason: string; error: string };
  targets: StatusTarget[];
  /** The open ones, newest first. */
  incidents: IncidentInfo[];
  monitor: {
    days: number;
    targets: string[];
    frequency: string;
    per_week: number;
    change_failure: string;
    change_failure_rate: number | null;
    error: string;
  };
}

// CI export (docs/api.md, "CI export").

/** The CI engines the pipeline is exported to. */
export type CIEngine = 'github-actions' | 'gitlab-ci';

/** The engine's file in the repository against a fresh export: changed is an earlier export (safe to replace); hand-edited needs force. */
export type CIExportStatus = 'new' | 'unchanged' | 'changed' | 'hand-edited';

/** The pipeline as ExportPreview renders it or Export wrote it. */
export interface CIExport {
  engine: CIEngine;
  /** Relative to the repository: .github/workflows/eightfold.yml or .gitlab-ci.yml. */
  path: string;
  /** The whole file, header included. */
  content: string;
  status: CIExportStatus | (string & {});
  /** "+12 -3 lines"; "" when new or unchanged. */
  diff: string;
  /** Targets left out (local ones), a missing ci.install. */
  notes: string[];
  /** The sha256 (hex) of the file in the repository as read; "" when there is none. */
  existing: string;
  /** Export wrote the file (false for a preview and for an unchanged file). */
  written: boolean;
}

/** The test report formats ImportCIReports reads (docs/api.md, "CI import"). */
export type CIReportFormat = 'junit' | 'go-test-json';

/** A notification (the notify event): shown as a toast. */
export interface Notice {
  kind: 'run' | 'deploy' | 'incident';
  level: 'fail' | 'ok' | 'info';
  title: string;
  body: string;
  /** A hash route: "#/build/12", "#/deploy/41", "#/monitor". */
  link: string;
}

export interface EventMap {
  'run.started': RunInfo;
  'run.updated': RunInfo;
  'run.finished': RunInfo;
  'log.appended': LogAppended;
  'project.changed': ProjectInfo;
  'project.switched': ProjectRef;
  'watch.state': WatchState;
  'board.changed': BoardChanged;
  'release.created': ReleaseInfo;
  'deploy.updated': DeployInfo;
  'check.updated': CheckInfo;
  'operate.log': LogBatch;
  'incident.updated': IncidentInfo;
  notify: Notice;
}

export type Topic = keyof EventMap;
