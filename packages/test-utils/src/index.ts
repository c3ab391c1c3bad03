export {
  type AdapterHarness,
  type HarnessOptions,
  type MakeHarness,
  runAdapterConformance,
} from './conformance.js';
export { type ExampleContract, runExampleContract } from './example.js';
export { type HttpResult, httpRequest } from './http.js';
export { killServices, type ServiceProcess, startService } from './process.js';
