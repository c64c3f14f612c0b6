export * from './config';
export * from './bootstrap';
export * from './problem.filter';
export * from './validation';
export * from './health';
export * from './metrics';
export * from './public.decorator';
export * from './openapi';
