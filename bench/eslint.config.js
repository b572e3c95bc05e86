import { definePackageLintConfig } from '@unified/eslint-config';

export default definePackageLintConfig(import.meta.dirname);
