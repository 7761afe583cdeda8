import { chooseTarget } from '../../../bridge-server/sync/threading';

const DAY = 86_400_000;
const now = Date.parse('2026-11-22T12:00:00Z');
const reopen = 3 * DAY;

describe('chooseTarget', () => {
  it('opens a ticket for a customer who has none', () => {
    expect(chooseTarget({ ticketId: null, status: null, updatedAt: null }, now, reopen)).toMatchObject({ kind: 'create', reason: 'first', followupOf: null });
  });

  it.each(['new', 'open', 'pending', 'hold'])('appends to a %s ticket', (status) => {
    expect(chooseTarget({ ticketId: 7, status, updatedAt: new Date(now - 10 * DAY).toISOString() }, now, reopen)).toEqual({ kind: 'update', ticketId: 7, stamp: expect.any(String) });
  });

  it('appends to a ticket solved within the reopen period', () => {
    expect(chooseTarget({ ticketId: 7, status: 'solved', updatedAt: new Date(now - DAY).toISOString() }, now, reopen)).toMatchObject({ kind: 'update', ticketId: 7 });
  });

  it('opens a new ticket when the solved ticket is older than the reopen period', () => {
    expect(chooseTarget({ ticketId: 7, status: 'solved', updatedAt: new Date(now - 4 * DAY).toISOString() }, now, reopen)).toMatchObject({ kind: 'create', reason: 'solved-long-ago', followupOf: null, previousTicketId: 7 });
  });

  it('opens a follow-up for a closed ticket', () => {
    expect(chooseTarget({ ticketId: 7, status: 'closed', updatedAt: new Date(now).toISOString() }, now, reopen)).toMatchObject({ kind: 'create', reason: 'closed', followupOf: 7 });
  });

  it('opens a new ticket (not a follow-up) when the ticket refused a comment for being at the comment cap', () => {
    expect(chooseTarget({ ticketId: 7, status: 'comment-cap', updatedAt: new Date(now).toISOString() }, now, reopen)).toMatchObject({ kind: 'create', reason: 'comment-cap', followupOf: null, previousTicketId: 7 });
  });
});
