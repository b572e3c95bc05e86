import { defineLibraryConfig } from '@unified/tsup-config';

export default defineLibraryConfig({ entry: ['src/index.ts'] });
