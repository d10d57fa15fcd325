import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { ConfigContext, loadConfig } from './config/config';
import './styles.css';

loadConfig().then((config) =>
  createRoot(document.getElementById('root') as HTMLElement).render(
    <StrictMode>
      <ConfigContext value={config}>
        <App />
      </ConfigContext>
    </StrictMode>,
  ),
);
