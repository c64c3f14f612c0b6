export * from './database';
export * from './typeorm-options';
export * from './numbering-counter';
export * from './list-query';
