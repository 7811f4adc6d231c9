import type { Signals } from '../data/index.js';
import type { Outcome } from './response-model.js';

/** A simulated response as the signals of a logged event (what `POST /v1/events` and the store take). */
export function eventSignals(outcome: Outcome, durationMs: number): Signals {
  return {
    click: outcome.click,
    like: outcome.like,
    follow: outcome.follow,
    comment: outcome.comment,
    forward: outcome.forward,
    hate: outcome.hate,
    longView: outcome.longView,
    profileEnter: outcome.profileEnter,
    playTimeMs: outcome.playTimeMs,
    durationMs,
    profileStayTimeMs: outcome.profileStayMs,
    commentStayTimeMs: outcome.commentStayMs,
  };
}
