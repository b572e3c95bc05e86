import { defineLibraryConfig } from '@unified/tsup-config';

// An executable: no type declarations; the shebang of src/cli.ts is kept.
export default defineLibraryConfig({ entry: ['src/cli.ts'], dts: false });
