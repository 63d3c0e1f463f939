// Text of a notice as it arrives (issue 15, 8b): a .docx, a PDF with a text layer, or plain text.
// The parser (domain/intake/) stays pure and reads text only; this is the one place that opens
// files. A scanned PDF has pages but no text layer: it is refused with a message that says OCR
// must come first, rather than yielding an empty notice with no items.
import mammoth from 'mammoth';
import { extractText, getDocumentProxy } from 'unpdf';

/** Why a document could not be read, in the words shown to the secretariat. */
export class DocumentTextError extends Error {
  constructor(
    message: string,
    readonly code: 'scanned-pdf' | 'unsupported' | 'unreadable',
  ) {
    super(message);
    this.name = 'DocumentTextError';
  }
}

export const SCANNED_PDF_MESSAGE =
  'Tệp PDF này không có lớp văn bản (có thể là bản scan): cần nhận dạng ký tự (OCR) trước khi nhập, rồi gửi lại bản PDF có văn bản, tệp .docx hoặc văn bản thuần.';

// A PDF whose pages hold fewer letters than this in all is taken for a scan (page numbers and a
// stamp may survive in the text layer of a scan).
const MIN_LETTERS = 40;

const isPdf = (buffer: Buffer, name: string) => buffer.subarray(0, 5).toString('latin1') === '%PDF-' || /\.pdf$/i.test(name);
// A .docx is a ZIP ("PK\3\4") named .docx, or any ZIP holding word/document.xml.
const isDocx = (buffer: Buffer, name: string) =>
  buffer.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) && (/\.docx$/i.test(name) || buffer.includes('word/document.xml'));

// Names a plain-text notice may have; a name without an extension is read as text too.
const TEXT_NAME = /\.(txt|text|md)$/i;

async function pdfText(buffer: Buffer): Promise<string> {
  let pages: string[];
  try {
    const pdf = await getDocumentProxy(new Uint8Array(buffer));
    pages = (await extractText(pdf, { mergePages: false })).text;
  } catch (error) {
    throw new DocumentTextError(`Không đọc được tệp PDF: ${(error as Error).message}`, 'unreadable');
  }
  const text = pages.join('\n\n').normalize('NFC');
  if ((text.match(/\p{L}/gu) ?? []).length < MIN_LETTERS) throw new DocumentTextError(SCANNED_PDF_MESSAGE, 'scanned-pdf');
  return text;
}

async function docxText(buffer: Buffer): Promise<string> {
  try {
    const { value } = await mammoth.extractRawText({ buffer });
    return value.normalize('NFC');
  } catch (error) {
    throw new DocumentTextError(`Không đọc được tệp .docx: ${(error as Error).message}`, 'unreadable');
  }
}

/** The text of a notice from its file: .docx, PDF with a text layer, or UTF-8 text; a scanned PDF is refused. */
export async function documentText(buffer: Buffer, fileName: string): Promise<string> {
  if (isPdf(buffer, fileName)) return pdfText(buffer);
  if (isDocx(buffer, fileName)) return docxText(buffer);
  if (/\.(doc|odt|rtf)$/i.test(fileName))
    throw new DocumentTextError('Định dạng tệp chưa được hỗ trợ: hãy lưu thành .docx hoặc PDF có văn bản.', 'unsupported');
  // Any other named type (an image, a spreadsheet, a .docx that is not a ZIP) is not a notice's text.
  if (/\.[a-z0-9]{1,8}$/i.test(fileName) && !TEXT_NAME.test(fileName))
    throw new DocumentTextError('Chỉ nhận tệp .docx, PDF có văn bản hoặc văn bản thuần (.txt, UTF-8).', 'unsupported');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buffer).replace(/^\uFEFF/, '');
  if (text.includes('\uFFFD')) throw new DocumentTextError('Tệp văn bản không phải UTF-8: hãy lưu lại với mã UTF-8.', 'unreadable');
  return text.normalize('NFC');
}
