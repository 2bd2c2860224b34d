import type { PiiKind } from '../../shared/canonical/pii.js';

const DOTS = '•••';

/** First code point (not UTF-16 unit), so a name starting with an astral character is not split in half. */
const firstChar = (s: string): string => String.fromCodePoint(s.codePointAt(0)!);

const maskEmail = (v: string): string => {
  const at = v.lastIndexOf('@');
  if (at <= 0 || at === v.length - 1) return DOTS;
  return `${firstChar(v)}${DOTS}${v.slice(at)}`;
};

const maskPhone = (v: string): string => {
  const digits = v.replace(/\D/g, '');
  // Two digits of a short number (an extension, a typo) would reveal most of it.
  return digits.length >= 6 ? `•••• •• ${digits.slice(-2)}` : '•••• •• ••';
};

const maskName = (v: string): string =>
  v
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `${firstChar(word)}.`)
    .join(' ');

const maskTaxId = (v: string): string => {
  const compact = v.replace(/[^0-9A-Za-z]/g, '');
  return compact.length >= 6 ? `${DOTS}${compact.slice(-3)}` : DOTS;
};

const IBAN_SHAPE = /^[A-Za-z]{2}\d{2}[A-Za-z0-9]{8,30}$/;

const maskBankAccount = (v: string): string => {
  const compact = v.replace(/[\s-]/g, '');
  if (IBAN_SHAPE.test(compact)) return `${compact.slice(0, 4)}••••${compact.slice(-4)}`;
  return compact.length >= 8 ? `••••${compact.slice(-4)}` : '••••';
};

const maskers: Record<PiiKind, (value: string) => string> = {
  email: maskEmail,
  phone: maskPhone,
  name: maskName,
  address: () => DOTS,
  tax_id: maskTaxId,
  bank_account: maskBankAccount,
  date_of_birth: () => '••••-••-••',
};

/**
 * Masks one value of a PII field, keeping just enough for a human to recognise it:
 * `maskValue('email', 'hank@globex.example')` → `h•••@globex.example`,
 * `maskValue('bank_account', 'DE89 3704 0044 0532 0130 00')` → `DE89••••3000`.
 * Anything that is not a string (a number, an object smuggled into a string field) becomes null:
 * there is no safe partial form of an unknown shape.
 */
export const maskValue = (kind: PiiKind, value: unknown): string | null => {
  if (typeof value !== 'string') return null;
  if (value === '') return '';
  return maskers[kind](value);
};

// Patterns for free text (error bodies, log lines, stored replays). They are a net, not a parser:
// they over-mask rather than under-mask, and never touch lower-case hex (trace ids) or bare digit
// runs (ids, epoch times).
const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Upper-case country code, check digits, then 4-character groups with optional single spaces.
const IBAN_IN_TEXT = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;
// Starts at a token boundary, may not end right before another `-digit` / `.digit` (partial matches).
const PHONE_CANDIDATE = /(?<![\w+.\/-])(?:\+|\(\+?)?\d[\d \u00a0().\/-]{4,22}\d(?!\w)(?![-./]\d)/g;
const DATE_LIKE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;
const IPV4_LIKE = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const DECIMAL = /^\d+\.\d+$/;

const looksLikePhone = (candidate: string): boolean => {
  const digits = candidate.replace(/\D/g, '').length;
  if (digits < 7 || digits > 15) return false;
  // A bare digit run is an id or a timestamp far more often than a phone number.
  if (!/^[+(]/.test(candidate) && !/[\s\u00a0().\/-]/.test(candidate)) return false;
  const bare = candidate.replace(/^[(+]+/, '');
  return !DATE_LIKE.test(bare) && !IPV4_LIKE.test(bare) && !DECIMAL.test(bare);
};

/**
 * Scrubs anything that looks like an email address, an IBAN or a phone number out of free text:
 * for error bodies (defence in depth: `detail` is generic and should never hold one), log lines
 * and stored replays (RELIABILITY.md H2, H3, H5).
 *
 * @example maskPiiInText('customer jane@x.com exists') // 'customer j•••@x.com exists'
 */
export const maskPiiInText = (text: string): string =>
  text
    .replace(EMAIL_IN_TEXT, (m) => maskEmail(m))
    .replace(IBAN_IN_TEXT, (m) => maskBankAccount(m))
    .replace(PHONE_CANDIDATE, (m) => (looksLikePhone(m) ? maskPhone(m) : m));
