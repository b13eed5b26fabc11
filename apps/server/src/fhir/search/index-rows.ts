/** The rows one resource contributes to each index table, before they are written. */
export interface StringRow {
  code: string;
  value: string;
  exact: string;
}
export interface TokenRow {
  code: string;
  system: string | null;
  value: string | null;
  display: string | null;
  /** `system|code` of an Identifier's type, for `:of-type`. */
  ofType: string | null;
}
export interface ReferenceRow {
  code: string;
  targetType: string | null;
  targetId: string | null;
  url: string | null;
}
export interface DateRow {
  code: string;
  low: string | null;
  high: string | null;
}
export interface NumberRow {
  code: string;
  value: string;
  low: string;
  high: string;
}
export interface QuantityRow extends NumberRow {
  system: string | null;
  unit: string | null;
}
export interface UriRow {
  code: string;
  value: string;
}
export interface CompositeRow {
  code: string;
  firstKey: string;
  components: unknown[][];
}

export interface IndexRows {
  string: StringRow[];
  token: TokenRow[];
  reference: ReferenceRow[];
  date: DateRow[];
  number: NumberRow[];
  quantity: QuantityRow[];
  uri: UriRow[];
  composite: CompositeRow[];
}

export function emptyRows(): IndexRows {
  return { string: [], token: [], reference: [], date: [], number: [], quantity: [], uri: [], composite: [] };
}
