import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import i18next from 'i18next';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { initI18n } from '../i18n/i18n';

// jsdom has no layout: the lead panel asks whether the screen is narrow before scrolling itself into view.
Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string): MediaQueryList =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList,
});

beforeAll(() => {
  initI18n();
});

beforeEach(async () => {
  window.localStorage.clear();
  await i18next.changeLanguage('es');
});

afterEach(() => {
  cleanup();
});
