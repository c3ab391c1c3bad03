export {
  expectCreatedFromOptions,
  expectHeadLikeGet,
  expectVisibilitySeesPeerAddress,
  type ServeAdapter,
} from './adapter-cases.js';
export {
  type AdapterHarness,
  type HarnessOptions,
  type MakeHarness,
  runAdapterConformance,
} from './conformance.js';
export { type ExampleContract, runExampleContract } from './example.js';
export { type HttpResult, httpRequest } from './http.js';
export { type Http2Client, http2Connect, http2Get } from './http2.js';
export { killServices, type ServiceProcess, startService } from './process.js';
export {
  type Closable,
  closeAfterEach,
  type ListeningApp,
  serveClosedAfterEach,
  serverHarness,
} from './server.js';
