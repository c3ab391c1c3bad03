export { CliError, INVALID_OPTION, MANIFEST_INVALID } from './errors.js';
export { DEFAULT_PROBE_TIMEOUT, probe, type ProbeOptions, type ProbeResult } from './probe.js';
export { doctor, formatReport, type DoctorOptions, type DoctorReport, type Finding } from './doctor/index.js';
export { main } from './main.js';
