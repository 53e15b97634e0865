export * from './defaults';
export * from './gateway-schema';
export * from './powertools';
export * from './tool-catalog';
export * from './tool-group';
export * from './tool-seed-data';
export * from './tool-tables';
export * from './validate-catalog';
