// The window's projects: which one is current (the shell shows it), the open and recent ones
// (the switcher and the start screen list them), and the calls that open, switch and close.
// Go says which project is current; project.switched keeps every window in step.

import { toApiError, type Api, type ApiError, type Connection } from './api';
import type { ProjectsInfo } from './types';

export class ProjectsState {
  readonly api: Api;
  info = $state.raw<ProjectsInfo | null>(null);
  /** The current project's path; "" when none is open. */
  current = $state('');
  /** False until the first Projects answer (or failure). */
  loaded = $state(false);
  /** The backend has no Projects method: the window shows the one project it opened, without a switcher. */
  single = $state(false);
  /** The start screen is shown over the open project ("Open another folder…"). */
  browsing = $state(false);
  /** The path being opened or switched to; "" when none. */
  opening = $state('');

  /** The start screen is up: no project is open, or the user asked for it. */
  readonly startScreen = $derived(this.loaded && !this.single && (this.current === '' || this.browsing));
  /**
   * The project the shell shows, as a key: its path ("" for the single project of an older backend);
   * null while there is none (loading, or no project open).
   */
  readonly shown = $derived<string | null>(!this.loaded ? null : this.single ? '' : this.current || null);

  /** Counts answers about the current project, so a slower Projects reply does not undo a newer switch. */
  #seq = 0;

  constructor(api: Api) {
    this.api = api;
  }

  /** Loads the projects and follows switches; returns the function that stops. */
  start(): () => void {
    let connection: Connection | null = null;
    const offs = [
      this.api.on('project.switched', (ref) => {
        if (ref.path !== this.current) this.#setCurrent(ref.path);
        void this.load();
      }),
      this.api.onConnection((state) => {
        // Back after a break: a switch may have been missed.
        if (state === 'open' && connection === 'reconnecting') void this.load();
        connection = state;
      }),
    ];
    void this.load();
    return () => offs.forEach((off) => off());
  }

  /** Loads the open and recent projects; a failure of the first load means an older backend. */
  async load(): Promise<void> {
    const seq = ++this.#seq;
    try {
      const info = await this.api.Projects();
      if (seq !== this.#seq) return;
      this.#apply(info);
      this.single = false;
    } catch {
      if (!this.loaded) this.single = true;
    } finally {
      if (seq === this.#seq) this.loaded = true;
    }
  }

  #apply(info: ProjectsInfo): void {
    this.info = info;
    this.current = info.current;
    if (!info.current) this.browsing = false;
  }

  #setCurrent(path: string): void {
    this.#seq++;
    this.current = path;
    this.loaded = true;
    if (!path) this.browsing = false;
  }

  /** Opens a folder or switches to an open project; the error to show, or null when it is current now. */
  async open(path: string): Promise<ApiError | null> {
    const p = path.trim();
    if (!p || this.opening) return null;
    this.opening = p;
    try {
      const project = await this.api.OpenProject(p);
      this.#setCurrent(project.path);
      this.browsing = false;
      void this.load();
      return null;
    } catch (err) {
      return toApiError(err);
    } finally {
      this.opening = '';
    }
  }

  /** Closes an open project; the error to show, or null. */
  async close(path: string): Promise<ApiError | null> {
    try {
      const info = await this.api.CloseProject(path);
      this.#seq++;
      this.#apply(info);
      return null;
    } catch (err) {
      return toApiError(err);
    }
  }

  /** Shows the start screen over the open project, with the recent list fresh. */
  showStart(): void {
    this.browsing = true;
    void this.load();
  }

  /** Back from the start screen to the open project, when there is one. */
  hideStart(): void {
    this.browsing = false;
  }
}
