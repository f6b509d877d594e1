import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRESENT_KEY } from '../lib/present';
import PresentToggle from './PresentToggle.svelte';

const presenting = () => document.documentElement.classList.contains('presenting');

beforeEach(() => localStorage.clear());
afterEach(() => document.body.replaceChildren());

describe('PresentToggle', () => {
  it('toggles presentation mode with P and keeps the choice', async () => {
    render(PresentToggle, { storage: localStorage });
    await tick();
    expect(presenting()).toBe(false);
    await fireEvent.keyDown(window, { key: 'p' });
    expect(presenting()).toBe(true);
    expect(localStorage.getItem(PRESENT_KEY)).toBe('on');
    expect(screen.getByTestId('present-toggle').getAttribute('aria-pressed')).toBe('true');
    await fireEvent.keyDown(window, { key: 'P' });
    expect(presenting()).toBe(false);
    expect(localStorage.getItem(PRESENT_KEY)).toBeNull();
  });

  it('starts as it was left', async () => {
    localStorage.setItem(PRESENT_KEY, 'on');
    const { unmount } = render(PresentToggle, { storage: localStorage });
    await tick();
    expect(presenting()).toBe(true);
    unmount();
    expect(presenting()).toBe(false);
  });

  it('leaves P typed in a text field, or with a modifier, alone', async () => {
    render(PresentToggle, { storage: localStorage });
    const input = document.createElement('input');
    document.body.append(input);
    await fireEvent.keyDown(input, { key: 'p' });
    await fireEvent.keyDown(window, { key: 'p', ctrlKey: true });
    expect(presenting()).toBe(false);
    expect(localStorage.getItem(PRESENT_KEY)).toBeNull();
  });

  it('toggles with its button', async () => {
    render(PresentToggle, { storage: localStorage });
    await fireEvent.click(screen.getByTestId('present-toggle'));
    expect(presenting()).toBe(true);
  });
});
