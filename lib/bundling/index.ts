export * from './kit-code';
export * from './kit-functions';
