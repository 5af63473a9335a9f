import { ReportSnapshotEntity } from '../reporting/report-snapshot.entity';

export const MARKETING_ENTITIES = [ReportSnapshotEntity];
