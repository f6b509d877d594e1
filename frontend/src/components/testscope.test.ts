import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import TestScope from './TestScope.svelte';

describe('TestScope', () => {
  it('lists the packages a run tested and why', () => {
    render(TestScope, {
      scope: {
        all: false,
        reason: '1 package changed, 1 depends on it',
        packages: ['example.com/m/a', 'example.com/m/b'],
        why: { 'example.com/m/a': 'changed', 'example.com/m/b': 'imports example.com/m/a' },
      },
    });
    const section = screen.getByTestId('test-scope');
    expect(section.textContent).toContain('1 package changed, 1 depends on it');
    const items = [...section.querySelectorAll('li')].map((li) => li.textContent?.replace(/\s+/g, ' ').trim());
    expect(items).toEqual(['example.com/m/a changed', 'example.com/m/b imports example.com/m/a']);
  });

  it('says so when no package is affected', () => {
    render(TestScope, { scope: { all: false, reason: 'no Go package is affected', packages: [], why: {} } });
    expect(screen.getByTestId('test-scope').textContent).toContain('no Go package is affected');
    expect(screen.getByTestId('test-scope').querySelector('ul')).toBeNull();
  });
});
