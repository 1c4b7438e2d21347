/**
 * One-shot messages for the next page ("Schedule saved", "Execution 12 stopped"), kept in the
 * session between a form post and the page it redirects to.
 *
 * express-session saves a modified session when the response ends, but it sends the status line
 * and headers before that save has finished (it only holds back the body's last byte), and a
 * browser follows a redirect as soon as it has the headers. So the next page could load the
 * session before the message was stored and show nothing — seen in CI as a missing "saved" /
 * "stopped" message in about one full run in three, and just as possible for users whenever the
 * session store is slow. {@link saveFlashBeforeRedirect} makes a redirect that carries a message
 * wait until the session is saved.
 */
import type { NextFunction, Request, Response } from 'express';

export type FlashKind = 'success' | 'danger';

export function flash(req: Request, kind: FlashKind, message: string): void {
  req.session.flash = [...(req.session.flash ?? []), { kind, message }];
}

/** The messages for this page, removed from the session (they show once). */
export function takeFlash(req: Request): Array<{ kind: FlashKind; message: string }> {
  const messages = req.session.flash ?? [];
  if (messages.length) req.session.flash = [];
  return messages;
}

/** Middleware (after the session middleware): redirects with a pending message save the session first. */
export function saveFlashBeforeRedirect(req: Request, res: Response, next: NextFunction): void {
  const redirect = res.redirect;
  res.redirect = function redirectAfterSave(this: Response, ...args: unknown[]) {
    if (!req.session?.flash?.length) return (redirect as (...a: unknown[]) => void).apply(this, args);
    req.session.save((err) => {
      if (err) return next(err);
      (redirect as (...a: unknown[]) => void).apply(this, args);
    });
  } as Response['redirect'];
  next();
}
