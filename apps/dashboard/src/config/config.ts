import { createContext, useContext } from 'react';
import { DEFAULT_CONFIG, type DashboardConfig } from './defaults';

/** /config.json over the defaults; a missing or broken file leaves the defaults. */
export async function loadConfig(): Promise<DashboardConfig> {
  try {
    const response = await fetch('/config.json');
    if (response.ok) return { ...DEFAULT_CONFIG, ...((await response.json()) as Partial<DashboardConfig>) };
  } catch {
    // No config to be had: the defaults are the local setup's.
  }
  return DEFAULT_CONFIG;
}

export const ConfigContext = createContext<DashboardConfig>(DEFAULT_CONFIG);

export const useConfig = (): DashboardConfig => useContext(ConfigContext);

export function temporalWorkflowUrl(config: DashboardConfig, workflowId: string): string {
  return `${config.temporalUiUrl}/namespaces/${config.temporalNamespace}/workflows/${encodeURIComponent(workflowId)}`;
}
