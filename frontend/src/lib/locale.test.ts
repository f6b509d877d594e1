import { describe, expect, it } from 'vitest';
import { fixNavigatorLanguage, replacementLocale } from './locale';

describe('locale', () => {
  it('replaces the POSIX locale names that Intl rejects', () => {
    expect(replacementLocale('C')).toBe('en-US');
    expect(replacementLocale('')).toBe('en-US');
    expect(replacementLocale('de-DE')).toBeNull();
    expect(replacementLocale('en')).toBeNull();
  });

  it('makes navigator.language usable by Intl', () => {
    const nav = {} as Navigator;
    Object.defineProperty(nav, 'language', { value: 'C', configurable: true });
    fixNavigatorLanguage(nav);
    expect(nav.language).toBe('en-US');
    expect(nav.languages).toEqual(['en-US']);
    expect(() => new Intl.NumberFormat(nav.language)).not.toThrow();
  });

  it('leaves a valid language alone', () => {
    const nav = {} as Navigator;
    Object.defineProperty(nav, 'language', { value: 'fr-FR', configurable: true });
    fixNavigatorLanguage(nav);
    expect(nav.language).toBe('fr-FR');
  });
});
