/** An error that maps to a Vault-style `{"errors": [...]}` response. */
export class VaultError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    readonly body?: Record<string, unknown>,
  ) {
    super(errors[0] ?? `status ${status}`);
    this.name = 'VaultError';
  }

  static badRequest(message: string): VaultError {
    return new VaultError(400, [message]);
  }
  static permissionDenied(): VaultError {
    return new VaultError(403, ['permission denied']);
  }
  static notFound(): VaultError {
    return new VaultError(404, []);
  }
  static unsupportedPath(): VaultError {
    return new VaultError(404, ['1 error occurred:\n\t* unsupported path\n\n']);
  }
  static noHandler(path: string): VaultError {
    return new VaultError(404, [`no handler for route "${path}". route entry not found.`]);
  }
  static unsupportedOperation(): VaultError {
    return new VaultError(405, ['1 error occurred:\n\t* unsupported operation\n\n']);
  }
  static sealed(): VaultError {
    return new VaultError(503, ['Vault is sealed']);
  }
  static internal(message = 'internal error'): VaultError {
    return new VaultError(500, [message]);
  }
}

export function isVaultError(err: unknown): err is VaultError {
  return err instanceof VaultError;
}
