// One contender of the takeover race in src/directory-lock.test.ts, run as its own process. It loads the lock
// module given on the command line, says `ready`, waits for the start file, then takes the lock `rounds` times.
// Each time it records (monotonic clock, shared by all processes of the host) when it is inside, and leaves the
// lock as a process that died holding it would: the lock file then names a dead pid, so every round is a takeover
// that all waiting contenders race for.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modulePath, dir, logPath, startPath, rounds, holdMs] = process.argv.slice(2);
const { LOCK_FILE_NAME, withDirectoryLock } = await import(pathToFileURL(modulePath).href);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Process ids are below 2^22 on Linux: this one cannot be running.
const DEAD_PID = 2 ** 22 + 7;

process.stdout.write('ready\n');
while (!existsSync(startPath)) await sleep(1);
for (let round = 0; round < Number(rounds); round++) {
  await withDirectoryLock(
    dir,
    async () => {
      appendFileSync(logPath, `in ${process.hrtime.bigint()} ${process.pid}\n`);
      await sleep(Number(holdMs));
      appendFileSync(logPath, `out ${process.hrtime.bigint()} ${process.pid}\n`);
      // Replaced in one rename, so a waiter never reads a half-written holder.
      const dead = { pid: DEAD_PID, host: hostname(), started: 0, since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
      const temp = join(dir, `dead-holder-${process.pid}.tmp`);
      writeFileSync(temp, JSON.stringify(dead));
      renameSync(temp, join(dir, LOCK_FILE_NAME));
    },
    { pollMs: 1, timeoutMs: 60_000 },
  );
}
