import type { OperationOptions } from '../core/cancellation';
import type { ParsedArgs } from './args';

export interface CommandContext {
  args: ParsedArgs;
  /** Cancellation (Ctrl-C) and progress for the core. */
  operation: OperationOptions;
}

export type Command = (context: CommandContext) => Promise<number>;
