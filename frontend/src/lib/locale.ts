// WebKitGTK (the desktop face on Linux) takes navigator.language from the POSIX locale, so with
// LANG=C or LANG=POSIX it is "C", a tag that Intl rejects with a RangeError. Libraries that call
// `new Intl.NumberFormat(navigator.language)` when they load (uPlot does) would then stop the
// whole app before it mounts. This module, imported first by main.ts, puts a valid tag in its
// place; a valid language is left alone.

/** The locale to use instead of language, or null when language is a valid BCP 47 tag. */
export function replacementLocale(language: string): string | null {
  try {
    new Intl.NumberFormat(language);
    return null;
  } catch {
    return 'en-US';
  }
}

/** Makes navigator.language (and languages) valid for Intl. */
export function fixNavigatorLanguage(nav: Navigator = navigator): void {
  const replacement = replacementLocale(nav.language);
  if (replacement === null) return;
  Object.defineProperty(nav, 'language', { value: replacement, configurable: true });
  Object.defineProperty(nav, 'languages', { value: [replacement], configurable: true });
}

fixNavigatorLanguage();
