/**
 * What every REST-backed command handler gets: the API client (settings from env/config file),
 * the output, and one place that turns failures into a message on stderr and an exit code.
 */
import type { Argv } from 'yargs';
import { createApiClient, type ApiClient } from './api-client.js';
import { EXIT } from './exit-codes.js';
import { createOutput, OUTPUT_FORMATS, type Output, type OutputFormat } from './output.js';
import { CliError, resolveSettings } from './settings.js';

export interface CommandContext {
  api: ApiClient;
  out: Output;
}

export interface GlobalArgs {
  output: OutputFormat;
}

export function withGlobalOptions<T>(y: Argv<T>): Argv<T & GlobalArgs> {
  return y.option('output', { alias: 'o', choices: OUTPUT_FORMATS, default: 'table' as OutputFormat, describe: 'table for people, json for scripts', global: true }) as Argv<T & GlobalArgs>;
}

/** Reports a failure on stderr and sets the exit code (stdout stays clean for pipes). */
export function report(err: unknown): void {
  if (err instanceof CliError) {
    console.error(`etl-monitor: ${err.message}`);
    process.exitCode = err.exitCode;
    return;
  }
  console.error(`etl-monitor: ${(err as Error)?.stack ?? String(err)}`);
  process.exitCode = EXIT.error;
}

/** Wraps a handler: builds the context, runs it, maps a failure to its exit code. A returned number is the exit code. */
export function handler<A extends GlobalArgs = GlobalArgs>(run: (args: A, ctx: CommandContext) => Promise<number | void>) {
  // `unknown` at the yargs boundary: the builder declared the options, `A` names them for the handler.
  return async (parsed: unknown): Promise<void> => {
    const args = parsed as A;
    try {
      const ctx: CommandContext = { api: createApiClient(resolveSettings()), out: createOutput(args.output) };
      const code = await run(args, ctx);
      if (typeof code === 'number') process.exitCode = code;
    } catch (err) {
      report(err);
    }
  };
}

/** A positional id argument (yargs gives numbers for numeric words; anything else is a usage error). */
export function positiveId(value: unknown, what: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1) throw new CliError(`${what} must be a positive integer id, got "${String(value)}"`, EXIT.usage);
  return id;
}
