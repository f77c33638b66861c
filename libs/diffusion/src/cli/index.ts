export { runCli } from './main.js';
export { outputNames } from './generate-command.js';
