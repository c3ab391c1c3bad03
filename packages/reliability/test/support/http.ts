/** The shared test HTTP client (@health/test-utils), under the names these tests use. */
export { type HttpResult as Answer, httpRequest as get } from '@health/test-utils';
