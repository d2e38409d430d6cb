export const SHARED_MAX_PAGES: number;
export function gemmVariants(wat: string): Record<string, string>;
export function generateModuleSource(wat: string): Promise<string>;
export function generateSmallModuleSource(wat: string): Promise<string>;
