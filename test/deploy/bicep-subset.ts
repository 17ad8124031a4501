/**
 * Reads and evaluates the part of Bicep that infra/main.bicep uses, so a test can check the template
 * without the Bicep compiler (a .NET tool from NuGet, which this machine cannot install): the
 * declarations (`param`, `var`, `resource`, `output`, `using`), their decorators, and expressions
 * (strings with `${}` interpolation, numbers, booleans, identifiers, member access, function calls,
 * objects, arrays, `? :`, `!`). What Azure computes at deployment time (a resource's endpoints, the
 * built-in functions' values) comes from the caller's `azure` table; an expression the reader does
 * not know throws, so a template change the test cannot follow fails the test instead of passing it.
 */

export type BicepValue = string | number | boolean | null | BicepValue[] | { [key: string]: BicepValue };

export type Expression =
  | { kind: "string"; parts: (string | Expression)[] }
  | { kind: "number"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "identifier"; name: string }
  | { kind: "member"; target: Expression; name: string }
  | { kind: "call"; name: string; args: Expression[] }
  | { kind: "object"; properties: [string, Expression][] }
  | { kind: "array"; items: Expression[] }
  | { kind: "ternary"; test: Expression; then: Expression; otherwise: Expression }
  | { kind: "not"; operand: Expression }
  | { kind: "for"; variable: string; source: Expression; body: Expression };

export interface Declaration {
  readonly keyword: "param" | "var" | "resource" | "output";
  readonly name: string;
  /** param/output: the type; resource: `Type@apiVersion`. */
  readonly type?: string;
  readonly decorators: readonly string[];
  readonly value?: Expression;
}

class Parser {
  private position = 0;
  constructor(private readonly text: string) {}

  private skipSpace(newlines = true): void {
    for (;;) {
      const rest = this.text.slice(this.position);
      const match = newlines ? /^(\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)/.exec(rest) : /^([ \t]+|\/\/[^\n]*)/.exec(rest);
      if (match === null) return;
      this.position += match[0].length;
    }
  }

  private peek(pattern: RegExp): RegExpExecArray | null {
    return pattern.exec(this.text.slice(this.position));
  }

  private take(pattern: RegExp, what: string): string {
    const match = this.peek(pattern);
    if (match === null)
      throw new Error(`Bicep: expected ${what} at …${this.text.slice(this.position, this.position + 40)}`);
    this.position += match[0].length;
    return match[0];
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.position >= this.text.length;
  }

  declaration(): Declaration | { keyword: "using" | "targetScope" } {
    this.skipSpace();
    const decorators: string[] = [];
    while (this.peek(/^@/) !== null) {
      this.take(/^@/, "@");
      const name = this.take(/^\w+/, "decorator");
      this.skipSpace();
      if (this.peek(/^\(/) !== null) this.callArguments();
      decorators.push(name);
      this.skipSpace();
    }
    const keyword = this.take(/^\w+/, "a declaration keyword");
    this.skipSpace(false);
    if (keyword === "using") {
      this.take(/^'[^']*'/, "a file");
      return { keyword };
    }
    if (keyword === "targetScope") {
      this.take(/^=/, "=");
      this.skipSpace(false);
      this.expression();
      return { keyword };
    }
    if (keyword !== "param" && keyword !== "var" && keyword !== "resource" && keyword !== "output") {
      throw new Error(`Bicep: unknown declaration ${keyword}`);
    }
    const name = this.take(/^\w+/, "a name");
    this.skipSpace(false);
    let type: string | undefined;
    if (keyword === "resource") {
      type = this.take(/^'[^']+'/, "a resource type").slice(1, -1);
      this.skipSpace(false);
      if (this.peek(/^existing\b/) !== null) throw new Error("Bicep: existing resources are not read");
    } else if (keyword !== "var" && this.peek(/^=/) === null) {
      type = this.take(/^\w+/, "a type");
      this.skipSpace(false);
    }
    if (this.peek(/^=/) === null) return { keyword, name, ...(type === undefined ? {} : { type }), decorators };
    this.take(/^=/, "=");
    this.skipSpace(false);
    return { keyword, name, ...(type === undefined ? {} : { type }), decorators, value: this.expression() };
  }

  private callArguments(): Expression[] {
    this.take(/^\(/, "(");
    const args: Expression[] = [];
    this.skipSpace();
    while (this.peek(/^\)/) === null) {
      args.push(this.expression());
      this.skipSpace();
      if (this.peek(/^,/) !== null) this.take(/^,/, ",");
      this.skipSpace();
    }
    this.take(/^\)/, ")");
    return args;
  }

  expression(): Expression {
    const test = this.unary();
    this.skipSpace(false);
    if (this.peek(/^\?/) === null) return test;
    this.take(/^\?/, "?");
    this.skipSpace();
    const then = this.expression();
    this.skipSpace();
    this.take(/^:/, ":");
    this.skipSpace();
    return { kind: "ternary", test, then, otherwise: this.expression() };
  }

  private unary(): Expression {
    if (this.peek(/^!/) !== null) {
      this.take(/^!/, "!");
      return { kind: "not", operand: this.unary() };
    }
    let expression = this.primary();
    while (this.peek(/^\.\w/) !== null) {
      this.take(/^\./, ".");
      expression = { kind: "member", target: expression, name: this.take(/^\w+/, "a member") };
    }
    return expression;
  }

  private primary(): Expression {
    this.skipSpace();
    if (this.peek(/^'/) !== null) return this.string();
    if (this.peek(/^\{/) !== null) return this.object();
    if (this.peek(/^\[/) !== null) return this.array();
    if (this.peek(/^\(/) !== null) {
      this.take(/^\(/, "(");
      const inner = this.expression();
      this.skipSpace();
      this.take(/^\)/, ")");
      return inner;
    }
    const number = this.peek(/^-?\d+/);
    if (number !== null) return { kind: "number", value: Number(this.take(/^-?\d+/, "a number")) };
    const name = this.take(/^\w+/, "an expression");
    if (name === "true" || name === "false") return { kind: "boolean", value: name === "true" };
    if (this.peek(/^\(/) !== null) return { kind: "call", name, args: this.callArguments() };
    return { kind: "identifier", name };
  }

  private string(): Expression {
    this.take(/^'/, "'");
    const parts: (string | Expression)[] = [];
    let literal = "";
    for (;;) {
      const char = this.text[this.position];
      if (char === undefined) throw new Error("Bicep: unterminated string");
      if (char === "\\") {
        literal += this.text[this.position + 1] ?? "";
        this.position += 2;
      } else if (char === "'") {
        this.position += 1;
        break;
      } else if (this.text.startsWith("${", this.position)) {
        if (literal !== "") parts.push(literal);
        literal = "";
        this.position += 2;
        parts.push(this.expression());
        this.skipSpace();
        this.take(/^\}/, "}");
      } else {
        literal += char;
        this.position += 1;
      }
    }
    if (literal !== "") parts.push(literal);
    return { kind: "string", parts };
  }

  private object(): Expression {
    this.take(/^\{/, "{");
    const properties: [string, Expression][] = [];
    this.skipSpace();
    while (this.peek(/^\}/) === null) {
      const key = this.peek(/^'/) !== null ? this.take(/^'[^']*'/, "a key").slice(1, -1) : this.take(/^\w+/, "a key");
      this.skipSpace(false);
      this.take(/^:/, ":");
      this.skipSpace(false);
      properties.push([key, this.expression()]);
      this.skipSpace();
      if (this.peek(/^,/) !== null) this.take(/^,/, ",");
      this.skipSpace();
    }
    this.take(/^\}/, "}");
    return { kind: "object", properties };
  }

  private array(): Expression {
    this.take(/^\[/, "[");
    this.skipSpace();
    if (this.peek(/^for\b/) !== null) {
      this.take(/^for\b/, "for");
      this.skipSpace();
      const variable = this.take(/^\w+/, "a loop variable");
      this.skipSpace();
      this.take(/^in\b/, "in");
      this.skipSpace();
      const source = this.expression();
      this.skipSpace();
      this.take(/^:/, ":");
      this.skipSpace();
      const body = this.expression();
      this.skipSpace();
      this.take(/^\]/, "]");
      return { kind: "for", variable, source, body };
    }
    const items: Expression[] = [];
    while (this.peek(/^\]/) === null) {
      items.push(this.expression());
      this.skipSpace();
      if (this.peek(/^,/) !== null) this.take(/^,/, ",");
      this.skipSpace();
    }
    this.take(/^\]/, "]");
    return { kind: "array", items };
  }
}

/** Every `param`, `var`, `resource` and `output` of a .bicep (or .bicepparam) text, in order. */
export function readBicep(text: string): Declaration[] {
  const parser = new Parser(text);
  const declarations: Declaration[] = [];
  while (!parser.atEnd()) {
    const declaration = parser.declaration();
    if ("name" in declaration) declarations.push(declaration);
  }
  return declarations;
}

/** A property of an object expression (`resource.value.properties.x` as written in the template). */
export function property(expression: Expression | undefined, ...path: string[]): Expression | undefined {
  let current = expression;
  for (const key of path) {
    if (current?.kind !== "object") return undefined;
    current = current.properties.find(([name]) => name === key)?.[1];
  }
  return current;
}

export interface Scope {
  /** Parameter values (the parameters file's, else the defaults are evaluated). */
  readonly params: Readonly<Record<string, BicepValue>>;
  /** What Azure provides: `environment()`, `tenant()`, a resource's `name` and `properties.*`, by dotted path. */
  readonly azure: Readonly<Record<string, BicepValue>>;
  /** `readEnvironmentVariable(name)` in a parameters file. */
  readonly environment?: Readonly<Record<string, string>>;
}

function dotted(expression: Expression): string | undefined {
  if (expression.kind === "identifier") return expression.name;
  if (expression.kind === "call" && expression.args.length === 0) return `${expression.name}()`;
  if (expression.kind === "member") {
    const target = dotted(expression.target);
    return target === undefined ? undefined : `${target}.${expression.name}`;
  }
  return undefined;
}

function isEmpty(value: BicepValue): boolean {
  if (value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}

/** A value as text (a string, number or boolean; anything else is a template the test cannot use). */
export function asText(value: BicepValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new Error(`Bicep: cannot interpolate ${JSON.stringify(value)}`);
}

/** Evaluates an expression over a template's declarations. */
export function evaluate(
  expression: Expression,
  declarations: readonly Declaration[],
  scope: Scope,
  locals: Readonly<Record<string, BicepValue>> = {},
): BicepValue {
  const again = (inner: Expression, more: Readonly<Record<string, BicepValue>> = locals) =>
    evaluate(inner, declarations, scope, more);
  switch (expression.kind) {
    case "string":
      return expression.parts.map((part) => (typeof part === "string" ? part : asText(again(part)))).join("");
    case "number":
    case "boolean":
      return expression.value;
    case "object":
      return Object.fromEntries(expression.properties.map(([key, value]) => [key, again(value)]));
    case "array":
      return expression.items.map((item) => again(item));
    case "for": {
      const source = again(expression.source);
      if (!Array.isArray(source)) throw new Error("Bicep: a for loop over a non-array");
      return source.map((item) => again(expression.body, { ...locals, [expression.variable]: item }));
    }
    case "ternary":
      return again(expression.test) === true ? again(expression.then) : again(expression.otherwise);
    case "not":
      return again(expression.operand) !== true;
    case "call": {
      const args = expression.args.map((arg) => again(arg));
      switch (expression.name) {
        case "empty":
          return isEmpty(args[0] ?? null);
        case "union":
          return Object.assign(
            {},
            ...args.map((arg) => (typeof arg === "object" && arg !== null && !Array.isArray(arg) ? arg : {})),
          ) as BicepValue;
        case "readEnvironmentVariable": {
          const name = asText(args[0] ?? null);
          const value = scope.environment?.[name];
          if (value === undefined) throw new Error(`Bicep: environment variable ${name} is not set`);
          return value;
        }
      }
      const known = scope.azure[`${expression.name}()`];
      if (known !== undefined && expression.args.length === 0) return known;
      throw new Error(`Bicep: function ${expression.name}() is not known to the test`);
    }
    case "identifier":
    case "member": {
      const path = dotted(expression);
      if (path !== undefined && path in scope.azure) return scope.azure[path] ?? null;
      if (expression.kind === "member") {
        const target = again(expression.target);
        if (typeof target === "object" && target !== null && !Array.isArray(target) && expression.name in target)
          return target[expression.name] ?? null;
        throw new Error(`Bicep: ${path ?? expression.name} is not known to the test`);
      }
      const name = expression.name;
      if (name in locals) return locals[name] ?? null;
      if (name in scope.params) return scope.params[name] ?? null;
      const declaration = declarations.find(
        (candidate) => candidate.name === name && (candidate.keyword === "param" || candidate.keyword === "var"),
      );
      if (declaration?.value !== undefined) return again(declaration.value);
      throw new Error(`Bicep: ${name} has no value`);
    }
  }
}
