/**
 * The simulators' "applied, but the answer went wrong" faults (Zendesk's and the Graph API's):
 * the route handles the request and changes state as usual, then the answer it was about to send
 * is delayed, cut (the connection dropped) or replaced, as a timeout or a proxy error would do
 * after the real service had already done the work.
 */
import type { Request, Response } from 'express';

export interface AnswerFault {
  delayMs?: number;
  /** Drop the connection instead of answering. */
  dropConnection?: boolean;
  /** Write another answer instead of the route's (headers already cleared); none: the route's own, late. */
  replace?: (res: Response) => void;
}

export function faultTheAnswer(req: Request, res: Response, fault: AnswerFault): void {
  const realEnd = res.end;
  res.end = function faultedEnd(this: Response, ...args: unknown[]) {
    res.end = realEnd;
    void (async () => {
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.dropConnection) {
        req.socket.destroy();
        return;
      }
      if (!fault.replace) {
        (realEnd as (...a: unknown[]) => Response).apply(res, args);
        return;
      }
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      fault.replace(res);
    })();
    return this;
  } as Response['end'];
}
