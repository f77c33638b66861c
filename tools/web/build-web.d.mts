export const WEB_DIR: string;
export const WEB_DIST: string;
export function webBuildReason(): string | null;
export function buildWeb(options?: { force?: boolean; quiet?: boolean }): boolean;
