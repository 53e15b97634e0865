/**
 * The kit's own error: a stable code for programs and a message that names the field, the value,
 * what was expected and the fix. Constructs collect every problem and throw once.
 */
export class KitError extends Error {
  constructor(
    readonly code: string,
    readonly problems: readonly string[],
  ) {
    super(`[${code}] ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`}`);
    this.name = 'KitError';
  }
}

/** Collects problems and throws one KitError if there are any. */
export class Problems {
  private readonly list: string[] = [];
  constructor(private readonly code: string) {}

  add(message: string): this {
    this.list.push(message);
    return this;
  }

  check(condition: boolean, message: string): this {
    if (!condition) this.list.push(message);
    return this;
  }

  throwIfAny(): void {
    if (this.list.length) throw new KitError(this.code, this.list);
  }
}
