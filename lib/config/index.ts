export * from './schema';
export * from './environments';
