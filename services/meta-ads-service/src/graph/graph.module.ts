import { Module } from '@nestjs/common';
import { ConnectionStore } from '../connection/connection.store';
import { TokenVault } from '../connection/token-vault';
import { GraphClient } from './graph-client';

/** Graph API access plus the tenant's token store: imported by every feature module that talks to Meta. */
@Module({
  providers: [TokenVault, ConnectionStore, GraphClient],
  exports: [TokenVault, ConnectionStore, GraphClient],
})
export class GraphModule {}
