/**
 * The files `fuzz` and `fuzz merge` write: each failure's shrunk scenario and the report, whole or
 * not at all (Io.writeFile), and the checks that refuse an --out or --report path before anything runs.
 */
import { posix } from 'node:path';
import { failureFileText, type FuzzReport, type ReportFailure } from '../fuzz/report.js';
import { describeError } from './oserror.js';
import { InputError, OutputError, type Cli } from './exit.js';

/** The first file found going up from `path` (itself included), if any: then `path` cannot be a folder. */
function fileInTheWay(io: Cli['io'], path: string): string | undefined {
  for (let at = path; ; at = posix.dirname(at)) {
    const kind = io.pathKind(at);
    if (kind === 'directory') return undefined;
    if (kind === 'file') return at;
    if (posix.dirname(at) === at) return undefined;
  }
}

/** Refuses a --report that names a folder or a path through a file, before anything is run. */
export function checkReportPath(io: Cli['io'], report: string): void {
  if (io.pathKind(report) === 'directory') throw new InputError(`epochsim: --report ${report}: it is a folder; name a file such as ${posix.join(report, 'report.json')}\n`);
  const file = fileInTheWay(io, posix.dirname(report));
  if (file !== undefined) throw new InputError(`epochsim: --report ${report}: ${file} is a file, not a folder\n`);
}

/** Writes a failure's file (whole or not at all); a failed write is an OutputError. */
export function writeFailure(io: Cli['io'], out: string, f: ReportFailure, campaignSeed: number): void {
  try {
    io.mkdir(out);
    io.writeFile(f.file, failureFileText(f, campaignSeed));
  } catch (error) {
    throw new OutputError(`epochsim: cannot write ${f.file}: ${describeError(error, f.file)}\n`);
  }
}

/** Writes the report (whole or not at all, its folder made if missing); the error, if it could not. */
export function writeReport(io: Cli['io'], file: string, report: FuzzReport): OutputError | undefined {
  try {
    io.mkdir(posix.dirname(file));
    io.writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    return undefined;
  } catch (error) {
    return new OutputError(`epochsim: cannot write the report ${file}: ${describeError(error, file)}\n`);
  }
}

