import { LIST_TOTAL_CAP } from '@crm/contracts/browser';
import { renderHook } from '@testing-library/react';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { usePagingText } from './paging-text';

const words = () => {
  const paging = renderHook(() => usePagingText()).result.current;
  return [
    paging.summary({ from: 21, to: 40, total: 1234, capped: false }),
    paging.summary({ from: 1, to: 20, total: LIST_TOTAL_CAP, capped: true }),
    paging.position({ page: 2, pages: 62, capped: false }),
    paging.position({ page: 2, pages: LIST_TOTAL_CAP / 20, capped: true }),
  ];
};

describe('usePagingText', () => {
  it('says "más de 10,000" when the count stopped at its cap, in Spanish', () => {
    expect(words()).toEqual([
      'Mostrando 21–40 de 1,234',
      'Mostrando 1–20 de más de 10,000',
      'Página 2 de 62',
      'Página 2 de más de 500',
    ]);
  });

  it('says "more than 10,000" in English', async () => {
    await i18next.changeLanguage('en');
    expect(words()).toEqual([
      'Showing 21–40 of 1,234',
      'Showing 1–20 of more than 10,000',
      'Page 2 of 62',
      'Page 2 of more than 500',
    ]);
  });
});
