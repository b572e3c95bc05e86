import type { Options } from 'tsup';

/** Options for {@link defineLibraryConfig}: the entry list plus any tsup option to override. */
export interface LibraryConfigOptions extends Omit<Options, 'entry'> {
  /** Explicit entry points, e.g. `['src/index.ts']`. Never a glob of the whole of src. */
  readonly entry: string[];
  /** Package directory holding package.json. @default process.cwd() */
  readonly cwd?: string;
}

/** Shared tsup configuration: ESM, d.ts, source maps, target node20, `__PACKAGE_VERSION__` inlined. */
export declare function defineLibraryConfig(options: LibraryConfigOptions): Options | Options[];
