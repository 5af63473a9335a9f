import 'reflect-metadata';
import { loadConfigOrExit, redactForLog, secretValuesOf } from '@crm/nest-common';
import { GatewayConfig, SERVICE_NAME } from './config';
import { startGateway } from './gateway-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit(SERVICE_NAME, GatewayConfig);
  await startGateway(config);
}

main().catch((error: unknown) => {
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`${SERVICE_NAME}: failed to start: ${redactForLog(reason, secretValuesOf())}`);
  process.exit(1);
});
