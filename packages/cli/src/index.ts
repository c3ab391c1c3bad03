export {
  type DoctorOptions,
  type DoctorReport,
  doctor,
  type Finding,
  formatReport,
} from './doctor/index.js';
export { CliError, INVALID_OPTION, MANIFEST_INVALID } from './errors.js';
export { main } from './main.js';
export { DEFAULT_PROBE_TIMEOUT, type ProbeOptions, type ProbeResult, probe } from './probe.js';
