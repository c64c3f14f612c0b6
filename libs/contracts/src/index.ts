export * from './cloud-event';
export * from './data-scope';
export * from './identity.events';
export * from './asyncapi';
