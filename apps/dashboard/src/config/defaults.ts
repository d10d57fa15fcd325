/** What the page needs to know about its surroundings; the orchestrator serves it as /config.json. */
export interface DashboardConfig {
  temporalUiUrl: string;
  temporalNamespace: string;
}

/** The local Temporal dev server's UI: the page's fallback, and the Vite dev server's answer. */
export const DEFAULT_CONFIG: DashboardConfig = {
  temporalUiUrl: 'http://127.0.0.1:8233',
  temporalNamespace: 'default',
};
