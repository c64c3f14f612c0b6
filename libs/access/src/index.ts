export * from './token-verifier';
export * from './auth.guard';
export * from './org-projection';
export * from './business-service.module';
export * from './data-rules.projection';
export * from './data-access.migration';
export * from './data-scope';
export * from './record-sharing';
