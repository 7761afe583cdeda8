import { ZendeskBudget } from '../../../bridge-server/zendesk/rate-budget';
import { backoffMs, shouldRetry } from '../../../bridge-server/lib/retry-policy';

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('ZendeskBudget', () => {
  const limits = { accountPerMinute: 100, ticketUpdatesPerMinute: 20, perTicketPer10Minutes: 30 };

  it('lets requests through up to the limit less the headroom, then says how long to wait', () => {
    const clock = fakeClock();
    const budget = new ZendeskBudget(limits, clock, { headroom: 0.9 });
    for (let i = 0; i < 90; i++) {
      expect(budget.delayFor()).toBe(0);
      budget.take();
      clock.advance(100);
    }
    // 90 requests over 9 s: the first frees 60 s after it was sent.
    expect(budget.delayFor()).toBe(60_000 - 9_000);
    clock.advance(60_000 - 9_000);
    expect(budget.delayFor()).toBe(0);
  });

  it('keeps the Update Ticket limit apart from the account limit', () => {
    const clock = fakeClock();
    const budget = new ZendeskBudget(limits, clock, { headroom: 1 });
    for (let i = 0; i < 20; i++) budget.take({ ticketUpdate: true, ticketIds: [i] });
    expect(budget.delayFor({ ticketUpdate: true, ticketIds: [99] })).toBeGreaterThan(0);
    expect(budget.delayFor()).toBe(0);
    expect(budget.updatesDelay()).toBeGreaterThan(0);
  });

  it('says how long until several more updates fit, and never "now" for more than the whole limit', () => {
    const clock = fakeClock();
    const budget = new ZendeskBudget({ ...limits, ticketUpdatesPerMinute: 3 }, clock, { headroom: 1 });
    budget.take({ ticketUpdate: true });
    clock.advance(1000);
    expect(budget.updatesDelay(2)).toBe(0);
    expect(budget.updatesDelay(3)).toBe(59_000);
    expect(budget.updatesDelay(4)).toBe(60_000);
  });

  it('counts updates per ticket over 10 minutes', () => {
    const clock = fakeClock();
    const budget = new ZendeskBudget({ ...limits, ticketUpdatesPerMinute: 1000, accountPerMinute: 1000 }, clock, { headroom: 1 });
    for (let i = 0; i < 30; i++) budget.take({ ticketIds: [5] });
    expect(budget.ticketDelay(5)).toBe(600_000);
    expect(budget.ticketDelay(6)).toBe(0);
  });

  it('obeys Retry-After after a 429 and the account header saying nothing is left', () => {
    const clock = fakeClock();
    const budget = new ZendeskBudget(limits, clock);
    budget.pause({}, 7_000);
    expect(budget.delayFor()).toBe(7_000);
    clock.advance(7_000);
    expect(budget.delayFor()).toBe(0);
    budget.observe('700', '0');
    expect(budget.delayFor()).toBe(1_000);
  });

  it('adopts the plan limit Zendesk reports in X-Rate-Limit', () => {
    const clock = fakeClock();
    const budget = new ZendeskBudget(limits, clock, { headroom: 1 });
    budget.observe('700', '650');
    expect(budget.snapshot().accountLimit).toBe(700);
  });
});

describe('retry policy', () => {
  it('reads as a table', () => {
    expect(shouldRetry({ attempt: 5, maxAttempts: 5, status: 503 })).toBe(false);
    expect(shouldRetry({ attempt: 1, maxAttempts: 5, status: null })).toBe(true);
    expect(shouldRetry({ attempt: 1, maxAttempts: 5, status: 429 })).toBe(true);
    expect(shouldRetry({ attempt: 1, maxAttempts: 5, status: 409 })).toBe(true);
    expect(shouldRetry({ attempt: 1, maxAttempts: 5, status: 502 })).toBe(true);
    expect(shouldRetry({ attempt: 1, maxAttempts: 5, status: 422 })).toBe(false);
    expect(shouldRetry({ attempt: 1, maxAttempts: 5, status: 401 })).toBe(false);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(1, { baseMs: 1000, random: () => 0 })).toBe(500);
    expect(backoffMs(3, { baseMs: 1000, random: () => 1 })).toBe(4000);
    expect(backoffMs(30, { baseMs: 1000, capMs: 60_000, random: () => 1 })).toBe(60_000);
  });
});
