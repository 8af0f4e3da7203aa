/**
 * A port of Go's text/tabwriter (no flags), the formatter behind kubectl's
 * tables (padding 3) and `describe` output (padding 2). Cells end with a tab;
 * a column block is a run of consecutive lines that have a cell in that column,
 * so a line without tabs ends the alignment above it, exactly as in kubectl.
 */

interface Cell {
  text: string;
  width: number;
}

function width(text: string): number {
  return [...text].length;
}

function splitCells(line: string): Cell[] {
  return line.split('\t').map((text) => ({ text, width: width(text) }));
}

/** Aligns tab-separated text; `padding` spaces follow the widest cell of each column block. */
export function tabwrite(text: string, padding: number): string {
  const rawLines = text.split('\n');
  const lines = rawLines.map(splitCells);
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      let s = '';
      lines[i].forEach((cell, j) => {
        s += cell.text;
        if (j < widths.length && j < lines[i].length - 1) s += ' '.repeat(Math.max(0, widths[j] - cell.width));
      });
      out.push(s);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i].length - 1) continue;
      writeLines(start, i);
      let w = 0;
      let end = i;
      for (; end < line1 && column < lines[end].length - 1; end++) {
        w = Math.max(w, lines[end][column].width + padding);
      }
      widths.push(w);
      format(i, end);
      widths.pop();
      start = end;
      i = end - 1;
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out.join('\n');
}
