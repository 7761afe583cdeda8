import { render } from '@testing-library/react';
import { App } from '../../app/App';
import { ClientProvider } from '../../app/contexts/ClientProvider';
import type { ZafClient } from '../../app/lib/zaf-client';

export function renderApp(client: ZafClient) {
  return render(
    <ClientProvider client={client}>
      <App />
    </ClientProvider>,
  );
}
