// Finds the record lines of one transaction in a page of dump text that has no index: the pages
// of a dump that are not open in an editor. pg_waldump prints the xid as `tx: %10u` in every
// major (13–18), and so does the built-in reader, so one fixed string finds them without
// parsing each line.

/** 0-based line numbers of the record lines of `xid` in `text`, in order. */
export function xidLinesInText(text: string, xid: number): number[] {
  const needle = `, tx: ${String(xid).padStart(10, ' ')}, lsn: `;
  const out: number[] = [];
  let line = 0;
  let lineStart = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
    // Move line/lineStart to the line that holds `at`.
    for (let nl = text.indexOf('\n', lineStart); nl >= 0 && nl < at; nl = text.indexOf('\n', lineStart)) {
      line++;
      lineStart = nl + 1;
    }
    // Only a record line counts, not text in a desc that happens to look alike.
    if (text.startsWith('rmgr: ', lineStart) && (out.length === 0 || out[out.length - 1] !== line)) out.push(line);
  }
  return out;
}
