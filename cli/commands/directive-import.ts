import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../config';
import { directiveImportSchema } from '../../domain/directive';
import { DomainError } from '../../domain/errors';
import { connectClient } from '../../infra/temporal';
import { createDirective, launchItems } from '../../services/directives';
import { EXIT_FAILED, parseFlags, required, runCommand, UsageError } from '../command';

const USAGE = 'Cách dùng: npm run -s cli -- directive:import --file <văn-bản.json|.yaml> [--launch] [--by <tên đăng nhập>]';

/** `directive:import`: registers a directive with its items from JSON or YAML, and with --launch launches every complete item. */
export async function directiveImport(args: string[]): Promise<number> {
  return runCommand(
    USAGE,
    () => {
      const flags = parseFlags(args, { file: { type: 'string' }, launch: { type: 'boolean' }, by: { type: 'string' } });
      const file = required(flags.file, '--file');
      if (!fs.existsSync(file)) throw new UsageError(`Không có tệp ${file}`);
      const text = fs.readFileSync(file, 'utf8');
      let raw: unknown;
      try {
        raw = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
      } catch (err) {
        throw new UsageError(`Tệp ${file} không đọc được: ${(err as Error).message}`);
      }
      const parsed = directiveImportSchema.safeParse(raw);
      if (!parsed.success)
        throw new UsageError(
          `Tệp ${file} không hợp lệ:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
        );
      return { directive: parsed.data, launch: Boolean(flags.launch), by: flags.by ?? 'cli' };
    },
    async (db, { directive, launch, by }) => {
      try {
        const view = await createDirective(db, directive, { userId: by });
        process.stdout.write(`${JSON.stringify({ id: view.id, items: view.items.map((i) => ({ ref: i.ref, missing: i.missing })) })}\n`);
        if (!launch) return;
        const config = loadConfig(process.env);
        const temporal = await connectClient(config.temporal);
        try {
          const results = await launchItems({ db, temporal, taskQueue: config.temporal.taskQueue }, view.id);
          process.stdout.write(`${JSON.stringify({ id: view.id, results })}\n`);
        } finally {
          await temporal.connection.close();
        }
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        process.stderr.write(`${err.message}\n`);
        return EXIT_FAILED;
      }
    },
  );
}
