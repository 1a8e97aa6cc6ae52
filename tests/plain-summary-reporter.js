/**
 * Ends a jest run with the plain line "N passed, N failed" (", N skipped" when any), which CI
 * systems that do not parse jest's own summary can read.
 */
export default class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}
