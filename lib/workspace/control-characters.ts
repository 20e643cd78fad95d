/** Control characters (C0 and DEL): PostgreSQL refuses NUL in text, and none of them is ever meant in a name or email. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/** Where text cannot be refused (a search box in the URL, a name Facebook sends): drop the control characters. */
export const withoutControlCharacters = (s: string): string => s.replace(CONTROL_CHARACTERS, "");
