// Reads what the GoTo client needs out of the app config (the one place config shapes meet goto/ settings).
import type { Config } from '../config/config.ts';
import type { PhoneOptions } from '../phone/phone.ts';
import type { GoToOAuthSettings } from './auth/oauth.ts';
import type { GoToBaseUrls } from './http/rest-client.ts';

export function baseUrlsFrom(config: Config): GoToBaseUrls {
  return { api: config.goto.apiUrl, admin: config.goto.adminUrl, realtime: config.goto.realtimeUrl };
}

/** Throws when GOTO_CLIENT_ID / GOTO_CLIENT_SECRET are unset (demo mode supplies the simulator's client). */
export function oauthSettingsFrom(config: Config): GoToOAuthSettings {
  const { clientId, clientSecret, authUrl } = config.goto;
  if (clientId === null || clientSecret === null) {
    throw new Error('GOTO_CLIENT_ID and GOTO_CLIENT_SECRET are required to talk to GoTo');
  }
  return { authUrl, clientId, clientSecret };
}

/** The options of normalizePhone, built once (and the region checked) by the config loader. */
export function phoneOptionsFrom(config: Config): PhoneOptions {
  return config.phone;
}
