export { createApp } from './bootstrap';
export { loadAppConfig, type AppConfig } from './config/app-config';
