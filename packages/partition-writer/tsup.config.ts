import { defineLibraryConfig } from '@unified/tsup-config';

// encode-worker.js is plain JavaScript that runs as a worker thread; it ships beside the bundle unchanged.
export default defineLibraryConfig({
  entry: ['src/index.ts'],
  onSuccess: "node -e \"require('node:fs').copyFileSync('src/encode-worker.js', 'dist/encode-worker.js')\"",
});
