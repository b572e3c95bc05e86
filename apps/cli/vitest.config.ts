import { definePackageConfig } from '@unified/vitest-config';
import pkg from './package.json' with { type: 'json' };

export default definePackageConfig(pkg);
