import type { Currency, Locale, SessionUser } from '@crm/contracts/browser';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { http } from '../../api/http';
import { SESSION_QUERY_KEY } from '../../api/query-client';

export type SignupForm = {
  companyName: string;
  name: string;
  email: string;
  password: string;
  timezone?: string;
  currency?: Currency;
  locale?: Locale;
};

/** `POST /crm/auth/signup`: the gateway answers the new ceo and sets the session cookie, as login does. */
export function useSignup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (form: SignupForm) => http<SessionUser>('/crm/auth/signup', { method: 'POST', body: form }),
    meta: { skipSessionExpiry: true },
    onSuccess: (user) => {
      queryClient.clear();
      queryClient.setQueryData(SESSION_QUERY_KEY, user);
    },
  });
}
