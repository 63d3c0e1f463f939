import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { HttpProblem, PROBLEM_TYPES } from './problems';

/**
 * Runs a multer upload of one file in the field "file". Every way the upload can be wrong is the
 * client's: 413 past the size limit (`tooLarge` says which limit), otherwise 400; `tooManyFields`
 * says what the form may hold.
 */
export function receiveUpload(
  upload: RequestHandler,
  req: Request,
  res: Response,
  o: { tooLarge: string; tooManyFields: string },
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    void upload(req, res, (err: unknown) => {
      if (!err) return resolve();
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE')
        return reject(new HttpProblem(413, PROBLEM_TYPES.tooLarge, 'Tệp quá lớn', o.tooLarge));
      const detail =
        err instanceof multer.MulterError
          ? err.code === 'LIMIT_UNEXPECTED_FILE'
            ? `Chỉ nhận một tệp, trong trường "file" (nhận được trường "${err.field}")`
            : o.tooManyFields
          : 'Thân yêu cầu multipart/form-data không đọc được';
      reject(new HttpProblem(400, PROBLEM_TYPES.malformed, 'Yêu cầu không hợp lệ', detail));
    });
  });
}
