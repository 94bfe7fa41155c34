import pino from 'pino';

export type Logger = pino.Logger;

/** Secrets never reach a log line, whatever object a caller logs. */
const REDACTED_PATHS = [
  'apiKey',
  '*.apiKey',
  'params.apiKey',
  'token',
  '*.token',
  'authorization',
  'req.headers.authorization',
  'headers.authorization',
  'clientSecret',
  '*.clientSecret',
];

export function createLogger(level: string, pretty = false, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(pretty && !destination ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}

export const silentLogger: Logger = pino({ level: 'silent' });
