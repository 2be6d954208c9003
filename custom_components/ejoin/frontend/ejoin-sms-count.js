// How long an SMS text is on the air: its encoding (GSM-7 or UCS-2), its characters
// and how many SMS it takes. Pure functions, no DOM: `node ejoin-sms-count.check.mjs`
// runs its self-check.
//
// GSM-7 (3GPP TS 23.038): a character of the basic set takes one septet, one of the
// extension set (^ { } \ [ ~ ] | € and form feed) two (escape + character); 160 septets
// fit one SMS, 153 each part of a longer one. Any other character makes the text UCS-2:
// UTF-16 code units, 70 in one SMS, 67 per part. A part never splits an escape pair or
// a surrogate pair, as phones and gateways split them.

const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM7_EXTENSION = new Set("^{}\\[~]|€\f");

// The counter's words (the encodings' names are not translated).
const TEXT = {
  character: "character",
  characters: "characters",
  sms: "SMS",
};

export const GSM7 = "GSM-7";
export const UCS2 = "UCS-2";
const LIMITS = {
  [GSM7]: { single: 160, part: 153 },
  [UCS2]: { single: 70, part: 67 },
};

/** The encoding a text needs: GSM-7 if every character is in its sets, else UCS-2. */
export function smsEncoding(text) {
  for (const char of text) {
    if (!GSM7_BASIC.has(char) && !GSM7_EXTENSION.has(char)) return UCS2;
  }
  return GSM7;
}

/**
 * Count a text as the gateway sends it.
 * Returns {characters, encoding, units, parts}: characters as a person counts them
 * (code points), units the septets (GSM-7) or UTF-16 code units (UCS-2) they take,
 * parts the SMS it is sent as (0 for an empty text).
 */
export function smsCount(text) {
  const value = typeof text === "string" ? text : "";
  const encoding = smsEncoding(value);
  const sizes = [];
  for (const char of value) {
    if (encoding === GSM7) sizes.push(GSM7_EXTENSION.has(char) ? 2 : 1);
    else sizes.push(char.length); // 2 for a character outside the BMP (surrogate pair)
  }
  const units = sizes.reduce((sum, size) => sum + size, 0);
  const { single, part } = LIMITS[encoding];
  let parts = 0;
  if (units > 0 && units <= single) parts = 1;
  else if (units > single) {
    let used = 0;
    parts = 1;
    for (const size of sizes) {
      if (used + size > part) {
        parts += 1;
        used = 0;
      }
      used += size;
    }
  }
  return { characters: sizes.length, encoding, units, parts };
}

/** The counter's text: "12 characters · GSM-7 · 1 SMS". */
export function smsCounterText(text) {
  const { characters, encoding, parts } = smsCount(text);
  const noun = characters === 1 ? TEXT.character : TEXT.characters;
  return `${characters} ${noun} · ${encoding} · ${parts} ${TEXT.sms}`;
}

/** Recipients typed in one field: split on commas, semicolons, blanks and new lines. */
export function parseRecipients(text) {
  return String(text || "")
    .split(/[\s,;]+/)
    .map((number) => number.trim())
    .filter(Boolean);
}

/** A number's digits, for telling whether two spellings name the same recipient. */
export function sameNumber(a, b) {
  const digits = (value) => String(value || "").replace(/\D/g, "");
  const x = digits(a);
  const y = digits(b);
  if (!x || !y) return false;
  if (x === y) return true;
  // "+4915112345678" and "015112345678": compare the subscriber's last nine digits.
  return x.length >= 9 && y.length >= 9 && x.slice(-9) === y.slice(-9);
}
