import { useSyncExternalStore } from 'react';
import { API_DOWN_RETRY_MS, apiAvailability } from '../api/availability';

/** Shown while the API does not answer; the page under it keeps the last data it had. */
export function ApiDownBanner() {
  const outage = useSyncExternalStore(apiAvailability.subscribe, apiAvailability.current);
  if (outage === null) return null;
  return (
    <div className="banner" role="alert" data-banner="api-down">
      <strong>The API is not answering:</strong> {outage} — retrying every {API_DOWN_RETRY_MS / 1000} s; the page
      shows the last data it received.
    </div>
  );
}
