/** Human figures for CLI lines, in the decimal units git-lfs prints (150 MB, 2.5 GB). */
export function humanBytes(n: number): string {
  let v = n;
  let unit = 'B';
  for (unit of ['B', 'KB', 'MB', 'GB']) {
    if (v < 1000 || unit === 'GB') break;
    v /= 1000;
  }
  return unit === 'B' ? `${Math.round(v)} B` : `${Number(v.toPrecision(3))} ${unit}`;
}

export function plural(n: number, word: string, many: string = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
