export * from './cedar-schema';
export * from './cedar-authorizer';
export * from './policy-files';
export * from './tool-policy-engine';
