/**
 * `WWW-Authenticate` (RFC 7235 §4.1) read by a small tokenizer, not one regex: a header may
 * hold several challenges, and quoted strings may contain commas and escaped quotes, e.g.
 * `Bearer realm="https://auth/token",scope="repository:a:pull,push", Basic realm="r"`.
 */

export interface Challenge {
  /** Lowercased: `bearer`, `basic`. */
  scheme: string;
  /** Parameter names lowercased; values unquoted. */
  params: Record<string, string>;
  /** A `token68` credential-shaped value instead of parameters (`Negotiate abc==`). */
  token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
/** A token68 that is the whole challenge body (up to a comma or the end). */
const TOKEN68 = /^([A-Za-z0-9\-._~+/]+=*)[ \t]*(?:,|$)/;
/** `name=value` where value is not more `=` (which would make it a token68 like `abc==`). */
const PARAM_START = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*=[ \t]*[^=, \t]/;

class Scanner {
  position = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string {
    return this.text[this.position] ?? '';
  }

  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.position++;
  }

  token(): string {
    const start = this.position;
    while (!this.done && TCHAR.test(this.peek())) this.position++;
    return this.text.slice(start, this.position);
  }

  /** A quoted-string; the opening quote is at `position`. Unterminated strings end at the header's end. */
  quoted(): string {
    this.position++;
    let value = '';
    while (!this.done) {
      const char = this.text[this.position++];
      if (char === '"') return value;
      if (char === '\\' && !this.done) value += this.text[this.position++];
      else value += char;
    }
    return value;
  }
}

export function parseChallenges(header: string | null | undefined): Challenge[] {
  if (!header) return [];
  const scanner = new Scanner(header);
  const challenges: Challenge[] = [];
  while (!scanner.done) {
    while (scanner.peek() === ',' || scanner.peek() === ' ' || scanner.peek() === '\t') scanner.position++;
    if (scanner.done) break;
    const scheme = scanner.token();
    if (scheme === '') break; // not a challenge: stop rather than guess
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    scanner.skipSpace();
    const rest = header.slice(scanner.position);
    const token68 = TOKEN68.exec(rest);
    if (token68 && !PARAM_START.test(rest)) {
      challenge.token68 = token68[1];
      scanner.position += token68[1].length;
      continue;
    }
    readParams(scanner, challenge);
  }
  return challenges;
}

/** `name=value` pairs separated by commas, until a token that is not followed by `=` (the next scheme). */
function readParams(scanner: Scanner, challenge: Challenge): void {
  while (!scanner.done) {
    scanner.skipSpace();
    const start = scanner.position;
    const name = scanner.token();
    scanner.skipSpace();
    if (name === '' || scanner.peek() !== '=') {
      scanner.position = start;
      return;
    }
    scanner.position++;
    scanner.skipSpace();
    const value = scanner.peek() === '"' ? scanner.quoted() : scanner.token();
    challenge.params[name.toLowerCase()] = value;
    scanner.skipSpace();
    if (scanner.peek() !== ',') return;
    scanner.position++;
    while (scanner.peek() === ',' || scanner.peek() === ' ' || scanner.peek() === '\t') scanner.position++;
  }
}
