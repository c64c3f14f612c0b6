export * from './token-verifier';
export * from './auth.guard';
export * from './org-projection';
