import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { PagingBar } from './paging-bar';

describe('PagingBar', () => {
  it('names both buttons, disables the way that is closed and moves the way that is open', async () => {
    const onPrevious = vi.fn();
    const onNext = vi.fn();
    render(
      <PagingBar
        summary="Mostrando 1–20 de 45"
        position="Página 1 de 3"
        hasPrevious={false}
        hasNext
        onPrevious={onPrevious}
        onNext={onNext}
        testIdPrefix="items"
      />,
    );
    const bar = screen.getByRole('navigation', { name: 'Paginación' });
    const previous = within(bar).getByRole('button', { name: 'Anterior' });
    const next = within(bar).getByRole('button', { name: 'Siguiente' });
    expect(previous).toHaveAttribute('data-testid', 'items-prev-page');
    expect(next).toHaveAttribute('data-testid', 'items-next-page');
    expect(previous).toBeDisabled();
    expect(next).toBeEnabled();
    await userEvent.click(next);
    expect(onNext).toHaveBeenCalledTimes(1);
    expect(onPrevious).not.toHaveBeenCalled();
  });

  // On a phone the page number has the first line to itself; from `sm` up Previous moves in front of it.
  it('puts each chevron on the side its button moves to and Previous first from sm up', () => {
    render(
      <PagingBar
        summary={null}
        position="Página 2 de 3"
        hasPrevious
        hasNext
        onPrevious={() => {}}
        onNext={() => {}}
      />,
    );
    const previous = screen.getByRole('button', { name: 'Anterior' });
    const next = screen.getByRole('button', { name: 'Siguiente' });
    expect(previous.firstChild?.nodeName).toBe('svg');
    expect(next.lastChild?.nodeName).toBe('svg');
    expect(previous).toHaveClass('sm:order-first');
    expect(next).not.toHaveClass('sm:order-first');
    expect(screen.getByText('Página 2 de 3')).toHaveClass('order-first', 'basis-full', 'sm:order-none');
  });
});
