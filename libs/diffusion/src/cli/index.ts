export { runCli } from './main.js';
export { outputNames, parseGenerateArgs, type GenerateInvocation } from './generate-command.js';
