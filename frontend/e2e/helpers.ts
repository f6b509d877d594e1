// Helpers for the end-to-end tests: a real `eightfold serve` on a temp project, driven by
// Debian's Chromium through playwright-core. Nothing here is mocked.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** /work/main/test-artifacts: `../test-artifacts` from the frontend folder. */
export const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/** Whether the browser tests can run here, and if not whether that is a failure or a skip. */
export interface BrowserAvailability {
  skip: boolean;
  reason: string;
}

/**
 * Chromium is installed by `.ci/run`, so under CI its absence is a failure (the suite throws);
 * elsewhere the suite is skipped with the reason in its name.
 */
export function browserAvailability(): BrowserAvailability {
  if (existsSync(CHROMIUM)) return { skip: false, reason: '' };
  const reason = `${CHROMIUM} not found (apt-get install -y chromium)`;
  if (process.env.CI === 'true') return { skip: false, reason };
  return { skip: true, reason };
}

/** The eightfold binary under test, from $EIGHTFOLD_BIN; throws a clear error if it is unusable. */
export function eightfoldBinary(): string {
  const bin = process.env.EIGHTFOLD_BIN;
  const how =
    'build it with `make build` (build/bin/eightfold) or `go build -o /tmp/eightfold-e2e .` after `npm run build`, ' +
    'then run `EIGHTFOLD_BIN=/path/to/eightfold npm run test:e2e`';
  if (!bin) throw new Error(`EIGHTFOLD_BIN is not set: ${how}`);
  const path = resolve(bin);
  if (!existsSync(path) || !statSync(path).isFile()) throw new Error(`EIGHTFOLD_BIN=${bin}: no such file; ${how}`);
  if ((statSync(path).mode & 0o111) === 0) throw new Error(`EIGHTFOLD_BIN=${bin} is not executable`);
  return path;
}

export async function launchBrowser(): Promise<Browser> {
  const { skip, reason } = browserAvailability();
  if (reason && !skip) throw new Error(`CI=true and ${reason}: the browser tests need Chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A temp directory removed by `cleanup`. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `eightfold-e2e-${prefix}-`));
}

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Eightfold E2E',
  GIT_AUTHOR_EMAIL: 'e2e@eightfold.invalid',
  GIT_COMMITTER_NAME: 'Eightfold E2E',
  GIT_COMMITTER_EMAIL: 'e2e@eightfold.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(dir: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd: dir,
    env: { ...process.env, ...GIT_ENV },
    encoding: 'utf8',
  });
  if (r.error) throw new Error(`git ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}

/** Writes files into dir and commits them on branch main. */
export function gitRepo(dir: string, files: Record<string, string>): void {
  writeFiles(dir, files);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
}

/** A Go module with one package and a passing test; its pipeline is detected from go.mod. */
export function goProject(dir: string): void {
  gitRepo(dir, {
    'go.mod': 'module example.com/demo\n\ngo 1.22\n',
    'demo.go': 'package demo\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n',
    'demo_test.go': [
      'package demo',
      '',
      'import "testing"',
      '',
      'func TestAdd(t *testing.T) {',
      '\tif Add(2, 3) != 5 {',
      '\t\tt.Fatal("2+3 != 5")',
      '\t}',
      '}',
      '',
    ].join('\n'),
  });
}

/** A project whose pipeline is the given eightfold.yaml. */
export function yamlProject(dir: string, yaml: string): void {
  gitRepo(dir, { 'eightfold.yaml': yaml });
}

/** A running `eightfold serve`. */
export interface Server {
  /** The URL printed on stdout, with the token. */
  url: string;
  /** http://127.0.0.1:PORT/ */
  base: string;
  token: string;
  port: number;
  proc: ChildProcess;
  stderr(): string;
  /** Sends SIGTERM and waits for the process to exit; returns its exit code or signal. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
// Last resort if the test process dies before its teardown: no server outlives it.
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** Starts `bin serve --dir dir --home home` and waits for the URL it prints. */
export async function startServer(bin: string, dir: string, home: string): Promise<Server> {
  const proc = spawn(bin, ['serve', '--dir', dir, '--home', home], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, EIGHTFOLD_HOME: home },
  });
  running.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  proc.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      res({ code, signal });
    }),
  );
  let spawnError: ((err: Error) => void) | undefined;
  proc.on('error', (err) => spawnError?.(err));

  const url = await new Promise<string>((res, rej) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      rej(
        new Error(
          `eightfold serve ${why}\n  command: ${bin} serve --dir ${dir} --home ${home}\n` +
            `  stdout: ${stdout || '(none)'}\n  stderr: ${stderr || '(none)'}`,
        ),
      );
    };
    const timer = setTimeout(() => fail(`printed no URL within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const look = () => {
      const m = /Eightfold serving on (http:\/\/\S+)/.exec(stdout);
      if (!m || settled) return;
      settled = true;
      clearTimeout(timer);
      proc.stdout!.off('data', look);
      res(m[1]);
    };
    proc.stdout!.on('data', look);
    void exited.then(({ code, signal }) => fail(`exited (code ${code}, signal ${signal}) before printing its URL`));
    spawnError = (err) => fail(`could not start: ${err.message}`);
  });

  const parsed = new URL(url);
  const token = parsed.searchParams.get('token') ?? '';
  return {
    url,
    base: `${parsed.origin}/`,
    token,
    port: Number(parsed.port),
    proc,
    stderr: () => stderr,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, rej) => {
        timer = setTimeout(() => {
          proc.kill('SIGKILL');
          const why = `did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM (killed)`;
          rej(new Error(`eightfold serve (pid ${proc.pid}) ${why}; stderr: ${stderr}`));
        }, STOP_TIMEOUT_MS);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Whether a process with this pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Calls an API method from the test process with the bearer token, as a script would. */
export async function callApi<T>(server: Server, method: string, args: unknown[] = []): Promise<T> {
  const res = await fetch(`${server.base}api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Counts the page's requests to /api/<Method> (and /api/events) from the moment it is made. */
export class ApiRequests {
  #counts = new Map<string, number>();

  constructor(page: Page) {
    page.on('request', (req: Request) => {
      const path = new URL(req.url()).pathname;
      if (!path.startsWith('/api/')) return;
      const name = path.slice('/api/'.length);
      this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
    });
  }

  count(name: string): number {
    return this.#counts.get(name) ?? 0;
  }

  total(): number {
    let n = 0;
    for (const c of this.#counts.values()) n += c;
    return n;
  }

  toString(): string {
    return JSON.stringify(Object.fromEntries(this.#counts));
  }
}

/** Collects uncaught page errors so a test can assert there were none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

export function cleanup(...dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
