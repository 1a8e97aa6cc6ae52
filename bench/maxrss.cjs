// Preloaded by the bench into each process it times (node --require): at exit, the process's
// peak RSS in KiB and its CPU time (user + system, every thread, in µs) on stderr, so the bench
// reads the memory and the work of a whole run, loading included.
'use strict';
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nmaxrss ${usage.maxRSS} cpu ${usage.userCPUTime + usage.systemCPUTime}\n`);
});
