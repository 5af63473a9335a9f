export * from './infra';
export * from './rpc-test-client';
export * from './assertions';
export * from './meta-connection';
export * from './webhook-fuzz';
export * from './chaos';
