#!/usr/bin/env node
/**
 * `etl-monitor` command line. Each command group lives in its own module under commands/:
 * control-plane (serve, migrate, seed-demo) runs the control plane itself; the others talk to a
 * running control plane over the REST API with a token (ETL_MONITOR_URL / ETL_MONITOR_TOKEN or the
 * config file `etl-monitor login` writes).
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { controlPlaneCommands } from './commands/control-plane.js';
import { schedulesCommand } from './commands/schedules.js';
import { executionsCommand } from './commands/executions.js';
import { adminCommands } from './commands/admin.js';
import { tokensCommands } from './commands/tokens.js';
import { withGlobalOptions } from './client/context.js';
import { EXIT, EXIT_CODES_HELP } from './client/exit-codes.js';

const cli = withGlobalOptions(yargs(hideBin(process.argv)).scriptName('etl-monitor'));
for (const register of [controlPlaneCommands, schedulesCommand, executionsCommand, adminCommands, tokensCommands]) register(cli);

await cli
  .demandCommand(1, 'Name a command (see --help)')
  .strict()
  .recommendCommands()
  .epilogue(`${EXIT_CODES_HELP}\n\nSettings: ETL_MONITOR_URL and ETL_MONITOR_TOKEN, or ~/.config/etl-monitor/config.json (written by \`etl-monitor login\`).`)
  .fail((message, err) => {
    if (err) throw err;
    console.error(`etl-monitor: ${message}\nRun with --help for usage.`);
    process.exit(EXIT.usage);
  })
  .help()
  .alias('help', 'h')
  .version(false)
  .wrap(Math.min(120, process.stdout.columns || 100))
  .parseAsync();
