// Phone numbers for display in the browser: the same international format the server puts on cards.
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/** "+1 312 555 0140" for an E.164 number; anything that does not parse comes back as given. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
