export * from './cloud-event';
export * from './data-scope';
export * from './identity.events';
export * from './sales.events';
export * from './audit.events';
export * from './handover.events';
export * from './asyncapi';
