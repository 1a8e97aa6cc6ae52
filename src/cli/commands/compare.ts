// PLACEHOLDER: being written (issue 3); registers nothing yet.
import type { Command } from 'commander';
import type { Cli } from '../shared.js';

export function registerCompare(_program: Command, _cli: Cli): void {}
