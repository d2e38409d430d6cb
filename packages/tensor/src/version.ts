/** This package's version; tooling/scripts/sync-versions.mjs rewrites it after `changeset version`. */
export const version = '0.1.0';
