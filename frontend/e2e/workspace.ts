// A repository served by a real `eightfold serve`, with a browser context on it, for the e2e
// suites that share one workspace across their tests.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, expect, type TestContext } from 'vitest';
import type { DeployInfo, RunInfo } from '../src/lib/types';
import { alive, artifactPath, callApi, cleanup, gitRepo, pageErrors, startServer, tempDir, type Server } from './helpers';

export interface Workspace {
  dir: string;
  home: string;
  server: Server;
  context: BrowserContext;
}

/** Commits files (and a README) into a new repository, serves it, and opens a 1280x800 context. */
export async function openWorkspace(
  browser: Browser,
  bin: string,
  name: string,
  files: Record<string, string>,
  timeoutMs: number,
): Promise<Workspace> {
  const dir = tempDir(name);
  const home = tempDir(`${name}-home`);
  gitRepo(dir, { 'README.md': '# demo\n', ...files });
  const server = await startServer(bin, dir, home);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(timeoutMs);
  return { dir, home, server, context };
}

/** Closes the context, stops the server (which must exit cleanly) and removes the directories. */
export async function closeWorkspace(ws: Workspace | undefined): Promise<void> {
  if (!ws) return;
  try {
    await ws.context.close();
    const exit = await ws.server.stop();
    expect(exit, `eightfold serve should exit cleanly; stderr:\n${ws.server.stderr()}`).toEqual({ code: 0, signal: null });
  } finally {
    cleanup(ws.dir, ws.home);
  }
}

/** Screenshots for people to look at: test-artifacts/ and /tmp/ef-shots/ (or $EF_SHOTS). */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: artifactPath(`${name}.png`) });
  const dir = process.env.EF_SHOTS ?? '/tmp/ef-shots';
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** A TCP port free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((res) => srv.close(res));
  return port;
}

/**
 * What the server did lately, for a failed test's output (CI shows only that): the newest runs
 * and deploys with their failures and steps, as far as the API still answers, then the tail of
 * the server's stderr (which says why when it does not).
 */
export async function serverStory(server: Server): Promise<string> {
  const out: string[] = ['--- what eightfold serve did lately (newest first) ---'];
  try {
    for (const r of await callApi<RunInfo[]>(server, 'Runs', [5])) {
      out.push(`run #${r.id} ${r.status} (${r.trigger}) ${r.commit.slice(0, 7)} ${r.started_at} ${r.duration_ms} ms ${r.error}`);
      for (const s of r.steps) out.push(`  step ${s.name}: ${s.status}, exit ${s.exit_code}, ${s.duration_ms} ms`);
    }
    for (const d of await callApi<DeployInfo[]>(server, 'Deploys', ['', 5])) {
      const full = await callApi<DeployInfo>(server, 'GetDeploy', [d.id]);
      out.push(`deploy #${d.id} ${d.kind} ${d.target} ${d.version} ${d.status} ${d.started_at}..${d.finished_at} ${d.failure}`);
      for (const s of full.steps ?? []) out.push(`  ${s.host ? `${s.host} ` : ''}${s.name}: ${s.status} ${s.detail}`);
      out.push(...full.log.split('\n').slice(-15).map((l) => `  | ${l}`));
    }
  } catch (err) {
    out.push(`(the API did not answer: ${String(err)})`);
  }
  out.push('--- stderr (last 40 lines) ---', ...server.stderr().split('\n').slice(-40));
  return out.join('\n');
}

/** Prints serverStory if the test of ctx failed. */
async function tellIfFailed(ctx: TestContext, server: Server | undefined): Promise<void> {
  if (ctx.task.result?.state === 'fail' && server) console.error(await serverStory(server));
}

/** Registers a hook that prints serverStory when a test of the enclosing describe fails. */
export function tellOnFailure(server: () => Server | undefined): void {
  afterEach((ctx) => tellIfFailed(ctx, server()));
}

/**
 * Registers the hooks of a describe whose tests each get a fresh page of the workspace's
 * context (handed to use): afterwards the page is closed, what the server did is printed if
 * the test failed, and the page must have thrown no uncaught error.
 */
export function pagePerTest(ws: () => Workspace, use: (page: Page) => void): void {
  let page: Page | undefined;
  let errors: string[] = [];
  beforeEach(async () => {
    page = await ws().context.newPage();
    errors = pageErrors(page);
    use(page);
  });
  afterEach(async (ctx) => {
    try {
      await tellIfFailed(ctx, ws()?.server);
    } finally {
      await page?.close();
    }
    expect(errors, 'uncaught errors in the page').toEqual([]);
  });
}

const RUN_TIMEOUT_MS = 30_000;

/** Polls until done says yes, or fails after timeoutMs with what. */
async function until<T>(what: string, timeoutMs: number, get: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still not done after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a run (once the watcher's own run, if any, is over) and waits for it to pass. */
export async function runGreen(server: Server): Promise<RunInfo> {
  const run = await until(
    'start a run',
    RUN_TIMEOUT_MS,
    () => callApi<RunInfo>(server, 'StartRun').catch((err: unknown) => {
      if (!String(err).includes('HTTP 409')) throw err;
      return undefined; // a run is going: try again
    }),
    (r) => r !== undefined,
  );
  const done = await until(`run #${run!.id}`, RUN_TIMEOUT_MS, () => callApi<RunInfo>(server, 'GetRun', [run!.id]), (r) => r.status !== 'running');
  expect(done.status).toBe('passed');
  return done;
}

/** Waits for a deploy, promotion or rollback started through the API to end. */
export async function deployDone(server: Server, started: DeployInfo): Promise<DeployInfo> {
  return until(`deploy #${started.id}`, RUN_TIMEOUT_MS, () => callApi<DeployInfo>(server, 'GetDeploy', [started.id]), (d) => d.status !== 'running');
}

/** Runs git in dir and returns its trimmed output. */
export function gitOut(dir: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Kills the app a target's start command left running, by its pid file; none is no error. */
export function stopApp(pidFile: string): void {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
  } catch {
    // never deployed
  }
}
