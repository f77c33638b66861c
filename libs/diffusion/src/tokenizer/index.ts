export { ClipTokenizer, TokenizerError } from './clip-tokenizer.js';
export { normalizeClipText } from './normalize.js';
