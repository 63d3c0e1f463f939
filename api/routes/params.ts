import { z } from 'zod';

/** The `:id` of a task in a path. */
export const taskIdParams = z.object({ id: z.string().regex(/^[a-z0-9.-]{1,200}$/, 'mã nhiệm vụ không hợp lệ') });
