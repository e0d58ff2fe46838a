/** `galapagos init [dir]`: a runnable project (see ../init/). */

import { fail } from '../fail.js';
import { initProject } from '../init/index.js';

export async function initCommand(
  dir: string | undefined,
  flags: { python?: boolean } = {},
): Promise<number> {
  try {
    const written = await initProject(dir ?? '.', flags);
    for (const file of written) process.stdout.write(`wrote ${file}\n`);
    const where = dir && dir !== '.' ? `cd ${dir} && ` : '';
    process.stdout.write(
      `\nnext: ${where}npx galapagos run   (or --target local; see README.md)\n`,
    );
    return 0;
  } catch (error) {
    return fail(error, false);
  }
}
