// file-type is ESM-only and publishes its types through package `exports`, which this project's
// `moduleResolution: node` does not read; Node 20.19+ loads the package itself through require().
declare module 'file-type' {
  export { fileTypeFromBuffer, type FileTypeResult } from 'file-type/source/index.js';
}
