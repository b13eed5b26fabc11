/**
 * Whether a token's capabilities on a path (from sys/capabilities-self) include one of those wanted.
 * Unknown capabilities allow: the screen then offers the action and the vault has the last word.
 */
export function allows(capabilities: readonly string[] | undefined, ...wanted: string[]): boolean {
  if (!capabilities) return true;
  if (capabilities.includes('deny')) return false;
  if (capabilities.includes('root')) return true;
  return wanted.some((capability) => capabilities.includes(capability));
}
