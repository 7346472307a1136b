// Thin wrappers over the generated bindings: a failed command throws its {kind, message}.
import { commands, type ErrorPayload } from "./bindings";

export class CommandError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: ErrorPayload };

export async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch (e) {
    // Framework-level failures (bad arguments, denied permissions) reject with a string.
    throw new CommandError("ipc", String(e));
  }
  if (result.status === "error") throw new CommandError(result.error.kind, result.error.message);
  return result.data;
}

export function describeError(error: unknown): string {
  if (error instanceof CommandError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export { commands };
