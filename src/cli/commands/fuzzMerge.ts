/**
 * `epochsim fuzz merge REPORT...`: merges the reports of a campaign's shards (written by
 * `fuzz --shard i/n --report FILE`) into the campaign's report, after checking that they come from
 * one version and one campaign and that their shards tile it, each complete. It prints what one
 * process running the whole campaign prints, writes each kind of failure's shrunk scenario (the
 * first run's) under --out, and with --report the merged report.
 */
import type { Command } from 'commander';
import { fuzzReportSchema, FUZZ_REPORT_FORMAT, mergeReports, settingsOf, type NamedReport } from '../../fuzz/report.js';
import { readJsonFile } from '../jsonFile.js';
import { campaignEnd, campaignHeader } from '../render/fuzz.js';
import { EXIT_FAILED, EXIT_OK, InputError, type Cli } from '../shared.js';
import { checkReportPath, writeFailure, writeReport } from '../fuzzFiles.js';
import { checkOutFolder } from '../repro.js';

interface MergeFlags {
  readonly report?: string;
  readonly out: string;
}

/** A report file can be large (every failure's scenario is inline), but not without bound. */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;

const HELP = `
Each report must come from the same epochsim version and the same campaign (--seed, --runs,
--steps, --participants, --rules, --strict), and their shards must be 0/n, 1/n, … n-1/n, each
once and each run to its end (not interrupted). The merged report is the report of the campaign
run in one process, the time aside (the shards' times add up); what is printed is what that
process prints. The first failure of each kind is written under --out, as the campaign writes it.

Exit codes: 0 nothing failed, 1 a failure was found, 2 a report is unreadable or the reports do
not make one campaign (nothing is printed or written), 74 the output could not be written.

Example:
  $ epochsim fuzz merge shard-0.json shard-1.json shard-2.json shard-3.json --report campaign.json
`;

/** Reads and checks one report file; an InputError says why it is not one. */
function readReport(cli: Cli, file: string): NamedReport {
  const fail = (why: string): InputError => new InputError(`epochsim: fuzz merge: ${file}: ${why}\n`);
  const value = readJsonFile(cli.io, file, MAX_REPORT_BYTES, (why) => fail(why === 'no such file' || why.startsWith('not JSON') ? why : `${why}, so not a report`));
  const head = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  if (head['format'] !== 'epochsim fuzz report') throw fail('not an epochsim fuzz report (written by epochsim fuzz --report)');
  if (head['format_version'] !== FUZZ_REPORT_FORMAT) {
    throw fail(`a report of format_version ${JSON.stringify(head['format_version'])}; this epochsim reads format_version ${FUZZ_REPORT_FORMAT}`);
  }
  const parsed = fuzzReportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.map(String).join('.')}`;
    throw fail(`not a valid fuzz report${at}: ${issue?.message ?? 'invalid'}`);
  }
  return { name: file, report: parsed.data };
}

export function registerFuzzMerge(fuzz: Command, cli: Cli): void {
  fuzz
    .command('merge')
    .description("merge the reports of a campaign's shards into the campaign's report, and print its summary")
    .argument('<reports...>', 'the shard reports (fuzz --shard i/n --report FILE)')
    .option('--report <file.json>', 'write the merged report')
    .option('--out <dir>', "where to write each kind of failure's shrunk scenario", 'fuzz-failures')
    .addHelpText('after', HELP)
    .action((files: string[], flags: MergeFlags) => {
      const { io } = cli;
      checkOutFolder(io, flags.out);
      if (flags.report !== undefined) {
        checkReportPath(io, flags.report);
        const target = io.fileId(flags.report);
        if (target !== undefined && files.some((f) => io.fileId(f) === target)) {
          throw new InputError(`epochsim: fuzz merge: --report ${flags.report} is one of the reports to merge; name another file\n`);
        }
      }
      const parts = files.map((f) => readReport(cli, f));
      const merged = mergeReports(parts, flags.out);
      if (!merged.ok) throw new InputError(`epochsim: fuzz merge: ${merged.message}\n`);
      const { report } = merged;
      for (const f of report.failures) writeFailure(io, flags.out, f, report.campaign.seed);
      const lost = flags.report === undefined ? undefined : writeReport(io, flags.report, report);
      io.out(campaignHeader(settingsOf(report), undefined) + campaignEnd(report, undefined));
      if (lost !== undefined) throw lost;
      cli.setExit(report.failed_runs > 0 ? EXIT_FAILED : EXIT_OK);
    });
}
