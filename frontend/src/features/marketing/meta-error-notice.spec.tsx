import { screen } from '@testing-library/react';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http';
import { json, stubFetch } from '../../test/fetch-stub';
import { marketingReport, META_CONNECTED } from '../../test/fixtures';
import { renderWithApp } from '../../test/render';
import { MarketingPage } from './marketing-page';
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

  it('a report being prepared says so with its progress (formatted) and offers no retry button', () => {
    const { unmount } = renderWithApp(
      <MetaErrorNotice
        error={
          new ApiError(503, 'REPORT_PREPARING', 'preparing', { retryAfterSeconds: 5, leadsRead: 120000 })
        }
        onRetry={() => undefined}
      />,
    );
    const notice = screen.getByTestId('meta-error');
    expect(notice).toHaveAttribute('data-code', 'REPORT_PREPARING');
    expect(notice).toHaveTextContent('Estamos preparando tus reportes…');
    expect(notice).toHaveTextContent('Llevamos 120,000 leads procesados');
    expect(notice).not.toHaveTextContent(i18next.t('marketing.errors.title'));
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    unmount();
    renderWithApp(<MetaErrorNotice error={new ApiError(503, 'REPORT_PREPARING', 'preparing', {})} />);
    expect(screen.getByTestId('meta-error')).toHaveTextContent(i18next.t('marketing.errors.preparing'));
  });
});

describe('Marketing Hub while its reports are being prepared', () => {
  it('shows the preparing notice, then asks again by itself after Retry-After and shows the report', async () => {
    let answers = 0;
    const api = stubFetch({
      'GET /crm/marketing/token-status': META_CONNECTED,
      'GET /crm/marketing/report': () =>
        ++answers === 1
          ? json(
              {
                statusCode: 503,
                code: 'REPORT_PREPARING',
                message: 'preparing',
                details: { retryAfterSeconds: 1, leadsRead: 40000 },
              },
              503,
            )
          : json(marketingReport()),
    });
    renderWithApp(<MarketingPage />, { path: '/marketing', route: '/marketing' });
    const notice = await screen.findByTestId('meta-error');
    expect(notice).toHaveTextContent('Llevamos 40,000 leads procesados');
    expect(api.calls('GET /crm/marketing/report')).toHaveLength(1); // not retried at once
    await screen.findByTestId('kpi-spend', undefined, { timeout: 4000 });
    expect(screen.queryByTestId('meta-error')).not.toBeInTheDocument();
    expect(api.calls('GET /crm/marketing/report')).toHaveLength(2);
  });
});
