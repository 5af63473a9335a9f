import 'reflect-metadata';
import { loadConfigOrExit } from '@crm/nest-common';
import { GatewayConfig, SERVICE_NAME } from './config';
import { startGateway } from './gateway-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit(SERVICE_NAME, GatewayConfig);
  await startGateway(config);
}

main().catch((error: unknown) => {
  console.error(
    `${SERVICE_NAME}: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
