// Presentation mode, for demos on a projector: large type, high contrast and the loop ring
// large (the `.presenting` rules of app.css, on the root element). P turns it on and off
// when no text field has the focus; the choice is kept in localStorage.

/** The class on the root element while presenting. */
export const PRESENT_CLASS = 'presenting';

/** Where the choice is kept. */
export const PRESENT_KEY = 'eightfold.presenting';

/** Whether a key press goes to a text field: then it types a letter and is no command. */
export function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

/** Whether a key press toggles presentation mode: P, alone, outside text fields. */
export function isPresentKey(e: KeyboardEvent): boolean {
  return (e.key === 'p' || e.key === 'P') && !e.ctrlKey && !e.metaKey && !e.altKey && !e.defaultPrevented && !typing(e.target);
}

/** The kept choice; off when there is none or storage cannot be read. */
export function loadPresenting(storage: Storage | null): boolean {
  try {
    return storage?.getItem(PRESENT_KEY) === 'on';
  } catch {
    return false;
  }
}

/** Keeps the choice; storage that refuses (a private window, full) only loses it. */
export function savePresenting(storage: Storage | null, on: boolean): void {
  try {
    if (on) storage?.setItem(PRESENT_KEY, 'on');
    else storage?.removeItem(PRESENT_KEY);
  } catch {
    // Kept for this page only.
  }
}
