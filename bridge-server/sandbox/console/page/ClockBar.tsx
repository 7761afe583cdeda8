/** The header's clock: the simulated now, and buttons to move it forward (all simulators and the bridge together). */
import React, { useState } from 'react';
import styled from 'styled-components';
import { api, type ClockView } from './api';
import { Alert, Button, Input, Muted } from './styles';

const Bar = styled.header`
  display: flex;
  align-items: center;
  gap: 12px;
  padding: 8px 16px;
  background: #03363d;
  color: #fff;
  flex-wrap: wrap;
  h1 {
    font-size: 16px;
    margin: 0 12px 0 0;
  }
  ${Muted} {
    color: #c2c8cc;
  }
`;

function formatOffset(ms: number): string {
  if (ms === 0) return 'real time';
  const hours = ms / 3_600_000;
  return `${hours >= 0 ? '+' : ''}${Number.isInteger(hours) ? hours : hours.toFixed(2)} h ahead of real time`;
}

export function ClockBar({ clock, onMoved }: { clock: ClockView | null; onMoved(): void }) {
  const [custom, setCustom] = useState('2');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const move = async (hours: number) => {
    setBusy(true);
    setError(null);
    try {
      await api('/clock/advance', { body: { hours } });
      onMoved();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const now = clock ? new Date(clock.now) : null;
  return (
    <Bar>
      <h1>WhatsApp for Zendesk · sandbox console</h1>
      <span role="status" aria-label="Simulated time">
        {now ? now.toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }) : '…'}{' '}
        <Muted>({clock ? formatOffset(clock.offsetMs) : '…'})</Muted>
      </span>
      <Button $small disabled={busy} onClick={() => move(1)}>
        +1 hour
      </Button>
      <Button $small disabled={busy} onClick={() => move(25)}>
        +25 hours
      </Button>
      <form
        style={{ display: 'flex', gap: 6, alignItems: 'center' }}
        onSubmit={(e) => {
          e.preventDefault();
          const hours = Number(custom.replace(',', '.'));
          if (!Number.isFinite(hours) || hours <= 0) setError('Write how many hours to move forward, e.g. 2 or 0.5.');
          else void move(hours);
        }}
      >
        <Input aria-label="Hours to move forward" value={custom} onChange={(e) => setCustom(e.target.value)} style={{ width: 64 }} inputMode="decimal" />
        <Button $small type="submit" disabled={busy}>
          Move time
        </Button>
      </form>
      {error && <Alert role="alert">{error}</Alert>}
    </Bar>
  );
}
