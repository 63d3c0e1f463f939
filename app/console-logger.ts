import pino, { type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

/**
 * `npm start`'s console: readable lines when a person watches it (stdout is a terminal), JSON
 * lines otherwise (a file, a pipe, a log collector), as the production processes write.
 */
export function consoleLogger(level: LevelWithSilent, tty = process.stdout.isTTY === true): Logger {
  if (!tty) return pino({ level });
  return pino(
    { level },
    pretty({
      colorize: true,
      sync: true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,req,res,responseTime',
      // A request line reads as the request, not as "request completed" and its whole object.
      messageFormat: (log, messageKey) => {
        const req = log.req as { method?: string; url?: string } | undefined;
        const res = log.res as { statusCode?: number } | undefined;
        if (req?.method) return `${req.method} ${req.url} → ${res?.statusCode ?? '?'} (${log.responseTime ?? '?'} ms)`;
        return String(log[messageKey] ?? '');
      },
    }),
  );
}
