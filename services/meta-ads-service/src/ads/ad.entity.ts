import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The tenant's ad catalogue (ad → ad set → campaign, with names), synced from the Marketing API. */
@Entity({ name: 'ads' })
export class AdEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'ad_id', type: 'text' })
  adId!: string;

  /** `act_<id>` the ad belongs to, when known (ads resolved one by one may lack it). */
  @Column({ name: 'ad_account_id', type: 'text', nullable: true })
  adAccountId!: string | null;

  @Column({ name: 'ad_name', type: 'text' })
  adName!: string;

  @Column({ name: 'adset_id', type: 'text' })
  adsetId!: string;

  @Column({ name: 'adset_name', type: 'text' })
  adsetName!: string;

  @Column({ name: 'campaign_id', type: 'text' })
  campaignId!: string;

  @Column({ name: 'campaign_name', type: 'text' })
  campaignName!: string;

  @Column({ name: 'effective_status', type: 'text', nullable: true })
  effectiveStatus!: string | null;

  /** The ad's creative (Marketing API `creative{id,thumbnail_url,image_url,title,body}`); null until synced. */
  @Column({ name: 'creative_id', type: 'text', nullable: true })
  creativeId!: string | null;

  @Column({ name: 'creative_thumbnail_url', type: 'text', nullable: true })
  creativeThumbnailUrl!: string | null;

  @Column({ name: 'creative_image_url', type: 'text', nullable: true })
  creativeImageUrl!: string | null;

  @Column({ name: 'creative_title', type: 'text', nullable: true })
  creativeTitle!: string | null;

  @Column({ name: 'creative_body', type: 'text', nullable: true })
  creativeBody!: string | null;

  @Column({ name: 'synced_at', type: 'timestamptz' })
  syncedAt!: Date;
}
