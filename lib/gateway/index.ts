export * from './tool-gateway';
export * from './perms';
