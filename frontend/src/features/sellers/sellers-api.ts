import type { SellerOverview } from '@crm/contracts/browser';
import { useQuery } from '@tanstack/react-query';
import { http } from '../../api/http';

export const sellerKeys = { overview: ['sellers', 'overview'] as const };

export function useSellers() {
  return useQuery({
    queryKey: sellerKeys.overview,
    queryFn: ({ signal }) => http<SellerOverview[]>('/crm/sellers', { signal }),
  });
}
