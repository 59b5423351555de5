import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogArgs = Parameters<FastifyBaseLogger['info']>;

/**
 * A request's logger that becomes a real pino child only when the request logs something at an
 * enabled level. Fastify makes one child per request; with redaction on, binding the request id
 * costs a serialisation per request even when, as on a quiet production API, nothing is logged.
 */
export class LazyRequestLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  get level(): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#resolve().level = level;
  }

  isLevelEnabled(level: string): boolean {
    // A route-level log level makes the child differ from the parent: ask the child itself.
    const target = this.#child ?? (this.#options.level ? this.#resolve() : this.#parent);
    const check = (target as { isLevelEnabled?: (l: string) => boolean }).isLevelEnabled;
    return check ? check.call(target, level) : true;
  }

  fatal(...args: LogArgs): void {
    this.#log('fatal', args);
  }
  error(...args: LogArgs): void {
    this.#log('error', args);
  }
  warn(...args: LogArgs): void {
    this.#log('warn', args);
  }
  info(...args: LogArgs): void {
    this.#log('info', args);
  }
  debug(...args: LogArgs): void {
    this.#log('debug', args);
  }
  trace(...args: LogArgs): void {
    this.#log('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#resolve().child(bindings, options);
  }

  #log(level: LevelName, args: LogArgs): void {
    if (!this.#child && !this.isLevelEnabled(level)) return;
    (this.#resolve()[level] as (...a: LogArgs) => void)(...args);
  }

  #resolve(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }
}

/** Fastify's `childLoggerFactory` with {@link LazyRequestLogger}. */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
