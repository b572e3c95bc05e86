/** Version of `@unified/core`, e.g. to record which converter wrote a dataset. */
export const VERSION: string = __PACKAGE_VERSION__;
