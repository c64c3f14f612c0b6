export * from './token-verifier';
export * from './auth.guard';
export * from './org-projection';
export * from './business-service.module';
