// A repository served by a real `eightfold serve`, with a browser context on it, for the e2e
// suites that share one workspace across their tests.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { artifactPath, cleanup, gitRepo, startServer, tempDir, type Server } from './helpers';

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
