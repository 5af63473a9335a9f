import { screen } from '@testing-library/react';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http';
import { renderWithApp } from '../../test/render';
import { MetaErrorNotice } from './meta-error-notice';

describe('MetaErrorNotice', () => {
  it.each([
    ['number_owned', 'marketing.errors.whatsappTaken'],
    ['waba_owned', 'marketing.errors.whatsappTaken'],
    ['page_owned', 'marketing.errors.pageTaken'],
    ['something_else', 'marketing.errors.generic'],
  ] as const)('a CONFLICT with reason %s says %s', (reason, key) => {
    renderWithApp(
      <MetaErrorNotice
        error={new ApiError(409, 'CONFLICT', 'taken', { reason })}
        onRetry={() => undefined}
      />,
    );
    expect(screen.getByTestId('meta-error')).toHaveTextContent(i18next.t(key));
  });

  it('an expired token offers no retry (a reconnect is needed), an outage does', () => {
    const { unmount } = renderWithApp(
      <MetaErrorNotice
        error={new ApiError(401, 'META_TOKEN_EXPIRED', 'expired')}
        onRetry={() => undefined}
      />,
    );
    expect(screen.getByTestId('meta-error')).toHaveTextContent(i18next.t('marketing.errors.tokenExpired'));
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    unmount();
    renderWithApp(
      <MetaErrorNotice error={new ApiError(503, 'META_UNAVAILABLE', 'down')} onRetry={() => undefined} />,
    );
    expect(screen.getByRole('button')).toBeInTheDocument();
  });
});
