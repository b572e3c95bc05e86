// The package version, inlined by tsup at build time and defined by the vitest preset in tests.
declare global {
  const __PACKAGE_VERSION__: string;
}

export {};
