import { readFile } from 'node:fs/promises';
import { extractDirective } from '../../domain/intake/extract';

const USAGE = 'Cách dùng: npm run -s cli -- directive:extract <tệp văn bản>';

// Same meaning as elsewhere in the CLI: 2 is "the command line cannot be what the operator meant".
const EXIT_USAGE = 2;

/**
 * `directive:extract <file>`: prints the draft assignments read from a directive's text as one JSON
 * object on stdout (schema: domain/intake/schema.ts). Touches no database.
 */
export async function directiveExtract(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0].startsWith('-')) {
    process.stderr.write(`Lỗi: cần đúng một tệp văn bản\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const [file] = args;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'không tìm thấy tệp' : code === 'EISDIR' ? 'đây là thư mục, không phải tệp' : 'không đọc được tệp';
    process.stderr.write(`Lỗi: ${reason}: ${file}\n`);
    return EXIT_USAGE;
  }
  process.stdout.write(`${JSON.stringify(extractDirective(text))}\n`);
  return 0;
}
