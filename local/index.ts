export * from './dev-tokens';
export * from './tool-server';
export * from './dynalite';
