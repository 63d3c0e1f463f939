import { readFile } from 'node:fs/promises';
import { extractDirective } from '../../domain/intake/extract';
import { DocumentTextError, documentText } from '../../intake/document-text';

const USAGE = 'Cách dùng: npm run -s cli -- directive:extract <tệp .txt, .docx hoặc .pdf>';

// Same meaning as elsewhere in the CLI: 2 is "the command line cannot be what the operator meant".
const EXIT_USAGE = 2;

// A document that is there but cannot be read (a scanned PDF, a damaged file): the operator's file, not the command line.
const EXIT_UNREADABLE = 1;

/**
 * `directive:extract <file>`: prints the proposal read from a directive's text (.txt UTF-8, .docx,
 * or a PDF with a text layer) as one JSON object on stdout (schema: domain/intake/schema.ts), with
 * where each field came from. Touches no database: registering is `POST /directives/from-text`.
 */
export async function directiveExtract(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0].startsWith('-')) {
    process.stderr.write(`Lỗi: cần đúng một tệp văn bản\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const [file] = args;
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'không tìm thấy tệp' : code === 'EISDIR' ? 'đây là thư mục, không phải tệp' : 'không đọc được tệp';
    process.stderr.write(`Lỗi: ${reason}: ${file}\n`);
    return EXIT_USAGE;
  }
  let text: string;
  try {
    text = await documentText(bytes, file);
  } catch (err) {
    if (!(err instanceof DocumentTextError)) throw err;
    process.stderr.write(`Lỗi: ${file}: ${err.message}\n`);
    return err.code === 'unsupported' ? EXIT_USAGE : EXIT_UNREADABLE;
  }
  process.stdout.write(`${JSON.stringify(extractDirective(text))}\n`);
  return 0;
}
