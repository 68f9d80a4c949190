import { ImageError } from '../core/errors';

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

/** `--name value` for the options listed in `valued`, `--name` alone for the rest; `--` ends options. */
export function parseArgs(argv: string[], valued: ReadonlySet<string>, known: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (!known.has(name) && !valued.has(name)) throw new ImageError('usage', `unknown option --${name}`);
    if (valued.has(name)) {
      const value = inline ?? argv[++index];
      if (value === undefined) throw new ImageError('usage', `--${name} needs a value`);
      flags.set(name, value);
    } else flags.set(name, true);
  }
  return { positionals, flags };
}

export function requirePositionals(args: ParsedArgs, names: string[], command: string): string[] {
  if (args.positionals.length < names.length) {
    throw new ImageError('usage', `${command} needs ${names.map((name) => `<${name}>`).join(' ')}; see --help`);
  }
  if (args.positionals.length > names.length) throw new ImageError('usage', `${command}: unexpected argument "${args.positionals[names.length]}"`);
  return args.positionals;
}
