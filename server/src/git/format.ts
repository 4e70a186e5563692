export function plural(n: number, word: string, many: string = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
