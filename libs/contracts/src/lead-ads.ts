import { ArrayMaxSize, IsArray, Matches } from 'class-validator';
import { TenantRequest } from './common';

/** How many Pages one account may choose. */
export const MAX_LEAD_ADS_PAGES = 50;

/** Issue 8: the Pages whose Lead Ads leads come to this account (the whole choice: Pages left out are released). */
export class SelectPagesRequest extends TenantRequest {
  @IsArray()
  @ArrayMaxSize(MAX_LEAD_ADS_PAGES)
  @Matches(/^\d{1,30}$/, { each: true, message: 'each page id must be a numeric Meta id' })
  pageIds!: string[];
}
