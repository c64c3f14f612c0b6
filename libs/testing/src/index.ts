export * from './free-port';
export * from './embedded-postgres';
export * from './test-infra';
export * from './identity-events.fixture';
export * from './org-projection.suite';
export * from './business-service.harness';
