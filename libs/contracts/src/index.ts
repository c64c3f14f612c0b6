export * from './cloud-event';
export * from './identity.events';
export * from './asyncapi';
