/**
 * The reply guard's decision, without ZAF: a public reply on a WhatsApp ticket whose 24-hour
 * window is closed cannot reach the customer (Meta answers 131047), so the save is stopped before
 * the agent believes it was sent. That holds for a reply with text and for a reply with only
 * attachments (each file would be a WhatsApp message of its own). Everything else passes:
 * internal notes, saves without a comment, open windows, and every case where the app does not
 * know (bridge unreachable, still loading, not a WhatsApp ticket): the guard never blocks agents
 * on an outage.
 */
import type { ConversationWindow } from './bridge-client';
import { computeWindow } from './window-clock';

export interface ReplyGuardInput {
  /** The conversation's window as last read from the bridge; null when unknown or not WhatsApp. */
  window: ConversationWindow | null;
  /** The bridge's clock now (browser clock + the offset measured when the conversation was read). */
  nowMs: number;
  closingSoonMinutes: number;
  /** ZAF `comment.type`: `publicReply` or `internalNote`. */
  commentType: unknown;
  /** ZAF `ticket.comment.text` (HTML in the agent workspace). */
  commentText: unknown;
  /**
   * ZAF `comment.attachments`: the files attached to the comment being written (an array of
   * comment attachment objects); anything else (absent, or the path unavailable) counts as none.
   */
  commentAttachments?: unknown;
}

/** The comment's visible text: tags and non-breaking spaces removed. */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;|&#160;|\u00a0/gi, ' ')
    .trim();
}

/** True when the comment would send something to the customer: visible text or at least one file. */
export function hasContent(commentText: unknown, commentAttachments: unknown): boolean {
  if (typeof commentText === 'string' && visibleText(commentText) !== '') return true;
  return Array.isArray(commentAttachments) && commentAttachments.length > 0;
}

export function shouldStopSave({ window, nowMs, closingSoonMinutes, commentType, commentText, commentAttachments }: ReplyGuardInput): boolean {
  if (!window) return false;
  if (commentType !== 'publicReply') return false;
  if (!hasContent(commentText, commentAttachments)) return false;
  return computeWindow(window, nowMs, closingSoonMinutes).state === 'closed';
}
