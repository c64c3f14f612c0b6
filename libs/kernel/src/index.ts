export * from './app-error';
export * from './problem';
export * from './ids';
export * from './clock';
export * from './list-query';
export * from './numbering';
