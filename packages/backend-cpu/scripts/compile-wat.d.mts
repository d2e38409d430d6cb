export function compileGemmWat(wat: string): Promise<Uint8Array>;
