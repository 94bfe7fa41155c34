import { TooManyRequestsError } from '../errors';

/** Caps the SSE streams one user holds open at once, so one caller cannot exhaust the server's sockets. */
export class StreamLimiter {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly maxPerUser: number,
    /** Told of every stream that opens; the function it returns is called when the stream ends (metrics). */
    private readonly onOpen: () => () => void = () => () => undefined,
  ) {}

  /** Counts a new stream for the user, or throws 429; the returned function ends it (idempotent). */
  acquire(userId: string): () => void {
    const current = this.open.get(userId) ?? 0;
    if (current >= this.maxPerUser) {
      throw new TooManyRequestsError(`at most ${this.maxPerUser} open streams per user; close one or try again shortly`, 2);
    }
    this.open.set(userId, current + 1);
    const closed = this.onOpen();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      closed();
      const remaining = (this.open.get(userId) ?? 1) - 1;
      if (remaining <= 0) this.open.delete(userId);
      else this.open.set(userId, remaining);
    };
  }
}
