import { UnifiedError } from './unified-error.js';

const MARKER = 'unified.error.IdentifierError';
const SYMBOL = Symbol.for(MARKER);

/** Which identifier of a dataset a value was given for. */
export type IdentifierField = 'exchange' | 'symbol' | 'timeframe';

/** The rule an identifier broke; see `validateIdentifier` for the full list with explanations. */
export type IdentifierRule =
  | 'empty'
  | 'too_long'
  | 'whitespace'
  | 'path_separator'
  | 'parent_reference'
  | 'control_character'
  | 'equals_sign'
  | 'underscore'
  | 'hidden_prefix'
  | 'character_set'
  | 'unknown_timeframe';

/** Context of an {@link IdentifierError}. */
export interface IdentifierErrorOptions {
  readonly field: IdentifierField;
  readonly value: string;
  readonly rule: IdentifierRule;
  readonly message: string;
}

/** An exchange, symbol or timeframe was rejected (D3). Code `INVALID_IDENTIFIER`; names field, value and rule. */
export class IdentifierError extends UnifiedError {
  private readonly [SYMBOL] = true;
  /** Which identifier was rejected. */
  readonly field: IdentifierField;
  /** The value as given. */
  readonly value: string;
  /** The rule it broke. */
  readonly rule: IdentifierRule;

  constructor({ field, value, rule, message }: IdentifierErrorOptions) {
    super({ code: 'INVALID_IDENTIFIER', message });
    this.name = 'IdentifierError';
    this.field = field;
    this.value = value;
    this.rule = rule;
  }

  /** Whether `error` is an {@link IdentifierError}, even from another copy of this package. */
  static override isInstance(error: unknown): error is IdentifierError {
    return UnifiedError.hasMarker(error, MARKER);
  }
}
