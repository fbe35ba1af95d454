// Splits a stream of text chunks into lines, handling lines cut across chunks and \r\n.
export interface LineSplitter {
  push(chunk: string): void;
  end(): void;
}

export function splitLines(onLine: (line: string) => void): LineSplitter {
  let rest = '';
  return {
    push(chunk: string): void {
      const text = rest + chunk;
      let start = 0;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
        const end = i > start && text.charCodeAt(i - 1) === 13 ? i - 1 : i;
        onLine(text.slice(start, end));
        start = i + 1;
      }
      rest = text.slice(start);
    },
    end(): void {
      if (rest.length > 0) onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
      rest = '';
    },
  };
}
