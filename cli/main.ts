import { calendarAdd, calendarNotify, calendarRemove } from './commands/calendar';
import { auditCheckpoint } from './commands/audit-checkpoint';
import { auditKeygen } from './commands/audit-keygen';
import { auditVerify } from './commands/audit-verify';
import { directiveExtract } from './commands/directive-extract';
import { directiveImport } from './commands/directive-import';
import { tokenIssue } from './commands/token-issue';
import { tokenRevoke } from './commands/token-revoke';
import { unitAdd } from './commands/unit-add';
import { userAdd } from './commands/user-add';
import { userDeactivate } from './commands/user-deactivate';
import { userPassword } from './commands/user-password';
import { webhookAdd } from './commands/webhook-add';

/** Operator commands: `npm run -s cli -- <command> [flags]`. Each returns its exit code. */
const commands: Record<string, (args: string[]) => Promise<number>> = {
  'unit:add': unitAdd,
  'user:add': userAdd,
  'user:password': userPassword,
  'user:deactivate': userDeactivate,
  'token:issue': tokenIssue,
  'token:revoke': tokenRevoke,
  'directive:import': directiveImport,
  'directive:extract': directiveExtract,
  'webhook:add': webhookAdd,
  'calendar:add': calendarAdd,
  'calendar:remove': calendarRemove,
  'calendar:notify': calendarNotify,
  'audit:keygen': auditKeygen,
  'audit:checkpoint': auditCheckpoint,
  'audit:verify': auditVerify,
};

async function main(): Promise<number> {
  const [name, ...args] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`Lệnh không hợp lệ${name ? `: ${name}` : ''}. Các lệnh: ${Object.keys(commands).join(', ')}\n`);
    return 2;
  }
  return command(args);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
