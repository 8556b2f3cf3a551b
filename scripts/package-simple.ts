/**
 * npm run package:simple [folder] — builds the folder people copy to a server or a Windows PC
 * (default dist/siliconflow-api-management/; see scripts/package.ts for what goes in).
 */
import { resolve } from 'node:path';
import { buildPackage, DEFAULT_PACKAGE_DIR } from './package.js';

const target = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_PACKAGE_DIR;
try {
  const files = buildPackage(target);
  console.log(`Package written to ${target} (${files} files).`);
  console.log(
    'Next: copy the folder anywhere, then in it run  npm install --omit=dev  and  node scripts/start-direct.js  (Windows: double-click start.bat).',
  );
  console.log(
    '下一步：把该文件夹复制到任意位置，在其中运行 npm install --omit=dev，然后 node scripts/start-direct.js（Windows：双击 start.bat）。',
  );
} catch (err) {
  console.error(`package:simple failed: ${(err as Error).message}`);
  process.exit(1);
}
