/**
 * C0 controls except tab and line feed, DEL, and C1 controls (U+0080–U+009F: a terminal may take
 * U+009B as CSI). Line feed stays because messages span lines on purpose; carriage return does not,
 * since it lets text overwrite the line before it.
 */
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * Makes control characters visible instead of acting: ESC becomes `\x1b`, CR becomes `\r`, so a
 * drill name such as `"api\x1b]0;pwned\x07"` prints as that text and cannot drive the terminal.
 */
export function escapeControlChars(text: string): string {
  return text.replace(CONTROL_CHARS, (char) => {
    const named = NAMED[char];
    return named ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

const NAMED: Readonly<Record<string, string>> = { '\r': '\\r', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\0' };
