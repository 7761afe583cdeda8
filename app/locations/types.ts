import type { ZafContext } from '../lib/zaf-client';

/** The app's own settings, read from the installation's (non-secure) settings. */
export interface AppSettings {
  /** Under this many minutes left, the window clock says "closing soon". */
  closingSoonMinutes: number;
}

export interface ILocationProps {
  context: ZafContext;
  settings: AppSettings;
}
