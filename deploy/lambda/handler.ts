// The Lambda entry: the server package's handler, bundled by serverless-esbuild.
export { handler } from '@galapagos/server/lambda';
