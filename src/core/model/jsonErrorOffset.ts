/**
 * Finds the offset of the first syntax error in a JSON text (RFC 8259), for error messages that
 * say where a document breaks: V8 names the position only for some errors.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let index = 0;
  const fail = (): never => {
    throw index;
  };
  const skipSpace = () => {
    while (index < text.length && ' \t\n\r'.includes(text[index])) index++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, index)) index += word.length;
    else fail();
  };
  const string = () => {
    index++; // opening quote
    while (index < text.length) {
      const char = text[index];
      if (char === '"') return void index++;
      if (char === '\\') {
        const next = text[index + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) return void ((index += 2), fail());
          index += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) index += 2;
        else return void (index++, fail());
      } else if (char.charCodeAt(0) < 0x20) fail();
      else index++;
    }
    fail();
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(index, index + 400));
    if (!match || match[0] === '' || match[0] === '-') fail();
    index += match![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 10000) fail();
    skipSpace();
    const char = text[index];
    if (char === '{') return container('}', depth, true);
    if (char === '[') return container(']', depth, false);
    if (char === '"') return string();
    if (char === 't') return literal('true');
    if (char === 'f') return literal('false');
    if (char === 'n') return literal('null');
    return number();
  };
  const container = (close: string, depth: number, isObject: boolean) => {
    index++;
    skipSpace();
    if (text[index] === close) return void index++;
    while (true) {
      if (isObject) {
        skipSpace();
        if (text[index] !== '"') fail();
        string();
        skipSpace();
        if (text[index] !== ':') fail();
        index++;
      }
      value(depth + 1);
      skipSpace();
      if (text[index] === ',') index++;
      else if (text[index] === close) return void index++;
      else fail();
    }
  };
  try {
    value(0);
    skipSpace();
    return index < text.length ? index : undefined;
  } catch (offset) {
    if (typeof offset === 'number') return offset;
    throw offset;
  }
}
