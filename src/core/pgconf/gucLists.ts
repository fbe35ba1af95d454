// The list splitters of varlena.c that pg_hba.conf options and list parameters go through:
// SplitGUCList (radiusservers, radiussecrets, radiusports, radiusidentifiers) and
// SplitDirectoriesString (oauth_validator_libraries). Elements are separated by commas, with
// whitespace (space, \t, \n, \r, \f: scanner_isspace) around them; a double-quoted element may
// hold anything, "" being a quote. An empty string is an empty list; an empty element, an
// unclosed quote or text after a quoted element is a syntax error (undefined).

function isScannerSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
}

function skipSpaces(s: string, i: number): number {
  let j = i;
  while (isScannerSpace(s[j])) j++;
  return j;
}

/** A quoted element starting at the quote at i: its text and the index after the closing quote. */
function quotedElement(s: string, i: number): { text: string; end: number } | undefined {
  let text = '';
  let j = i + 1;
  for (;;) {
    const close = s.indexOf('"', j);
    if (close < 0) return undefined;
    text += s.slice(j, close);
    if (s[close + 1] !== '"') return { text, end: close + 1 };
    text += '"';
    j = close + 2;
  }
}

/** An unquoted element: SplitGUCList stops at whitespace; SplitDirectoriesString keeps inner whitespace. */
function unquotedElement(s: string, i: number, innerSpaces: boolean): { text: string; end: number } {
  let j = i;
  let last = i;
  while (j < s.length && s[j] !== ',' && (innerSpaces || !isScannerSpace(s[j]))) {
    if (!isScannerSpace(s[j])) last = j + 1;
    j++;
  }
  return { text: s.slice(i, last), end: j };
}

function splitList(raw: string, innerSpaces: boolean): string[] | undefined {
  const out: string[] = [];
  let i = skipSpaces(raw, 0);
  if (i === raw.length) return out;
  for (;;) {
    const el = raw[i] === '"' ? quotedElement(raw, i) : unquotedElement(raw, i, innerSpaces);
    if (el === undefined || (raw[i] !== '"' && el.text === '')) return undefined;
    out.push(el.text);
    i = skipSpaces(raw, el.end);
    if (i === raw.length) return out;
    if (raw[i] !== ',') return undefined;
    i = skipSpaces(raw, i + 1);
  }
}

/** SplitGUCList(raw, ','). */
export function splitGucList(raw: string): string[] | undefined {
  return splitList(raw, false);
}

/** SplitDirectoriesString(raw, ','), without canonicalize_path. */
export function splitDirectoriesString(raw: string): string[] | undefined {
  return splitList(raw, true);
}
