export { envPort } from './envPort.js';
export { ExampleSetupError, PortInUseError } from './errors.js';
export { type Listening, listen } from './listen.js';
export { requestPath } from './requestPath.js';
export { type RunExampleConfig, runExample } from './runExample.js';
