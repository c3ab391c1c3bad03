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
