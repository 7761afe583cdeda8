import { OutboundPacer } from '../../../bridge-server/sync/outbound-pacer';

/** Drives the pacer greedily on a fake clock: every message goes as soon as the pacer allows. */
function drive(pacer: OutboundPacer, clock: { t: number }, queue: number[], phone = '100') {
  const sent: { at: number; customer: number }[] = [];
  const pending = [...queue];
  while (pending.length) {
    let best = Infinity;
    for (let i = 0; i < pending.length; i++) {
      const wait = pacer.delayFor(phone, pending[i]);
      if (wait === 0) {
        pacer.take(phone, pending[i]);
        pacer.done(phone); // answered at once
        sent.push({ at: clock.t, customer: pending[i] });
        pending.splice(i, 1);
        i--;
      } else best = Math.min(best, wait);
    }
    if (pending.length) clock.t += best;
  }
  return sent;
}

describe('outbound pacer', () => {
  it('never lets more than 80 messages go in any rolling second, even right after a quiet spell', () => {
    const clock = { t: 0 };
    const pacer = new OutboundPacer({ now: () => clock.t });
    clock.t = 60_000; // a quiet minute: a token bucket would now hold a full burst
    const sent = drive(pacer, clock, Array.from({ length: 1000 }, (_, i) => i));
    let most = 0;
    for (let i = 0, j = 0; i < sent.length; i++) {
      while (sent[i].at - sent[j].at >= 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(sent).toHaveLength(1000);
    expect(most).toBeLessThanOrEqual(80);
    expect(most).toBeGreaterThanOrEqual(70); // and it does not waste the throughput
  });

  it('keeps within Meta\'s pair model for one customer: bursts of 45, then one per 6 s', () => {
    const clock = { t: 0 };
    const pacer = new OutboundPacer({ now: () => clock.t });
    const sent = drive(pacer, clock, Array.from({ length: 60 }, () => 7));
    // Meta's side: a bucket of 45 refilled one per 6 s must never run dry.
    let tokens = 45;
    let at = 0;
    for (const s of sent) {
      tokens = Math.min(45, tokens + (s.at - at) / 6000);
      at = s.at;
      tokens -= 1;
      expect(tokens).toBeGreaterThanOrEqual(0);
    }
    expect(sent.filter((s) => s.at === 0)).toHaveLength(40);
    expect(sent[59].at).toBeLessThanOrEqual(20 * 6000);
  });

  it('counts a send that has not been answered yet, so late requests cannot crowd one second', () => {
    const clock = { t: 0 };
    const pacer = new OutboundPacer({ now: () => clock.t });
    for (let i = 0; i < 76; i++) pacer.take('100', i); // all under way, none answered
    expect(pacer.delayFor('100', 999)).toBeGreaterThan(0);
    clock.t = 5000; // still no answer, however long: still counted
    expect(pacer.delayFor('100', 999)).toBeGreaterThan(0);
    pacer.done('100');
    // Answered now: it still counts for a second, since Meta may have seen it just now.
    expect(pacer.delayFor('100', 999)).toBe(1000);
    clock.t = 6000;
    expect(pacer.delayFor('100', 999)).toBe(0);
  });

  it('after a 131056, the customer waits a full interval', () => {
    const clock = { t: 0 };
    const pacer = new OutboundPacer({ now: () => clock.t });
    pacer.take('100', 1);
    pacer.penalize(1);
    expect(pacer.delayFor('100', 1)).toBe(6000);
    expect(pacer.delayFor('100', 2)).toBe(0);
  });
});
