/** What one state field is, as far as a dotted path into it can tell: a zod schema's definition. */
interface SchemaDef {
  type: string;
  innerType?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  out?: Schema;
}
interface Schema {
  _zod?: { def: SchemaDef };
}

const WRAPPERS = new Set(["nullable", "optional", "default", "prefault", "readonly", "catch"]);
const LEAVES = new Set(["string", "number", "int", "boolean", "bigint", "enum", "literal", "date"]);

const defOf = (schema: unknown): SchemaDef | undefined => (schema as Schema | undefined)?._zod?.def;

/**
 * Why a dotted path into a state field (`goal.level`) cannot be found under the field's schema, or
 * undefined when it can (or when the schema cannot tell, as with a record or a union).
 */
export function pathProblem(field: string, schema: unknown, keys: string[]): string | undefined {
  let def = defOf(schema);
  for (const [i, key] of keys.entries()) {
    while (def && (WRAPPERS.has(def.type) || def.type === "pipe")) {
      def = defOf(def.type === "pipe" ? def.out : def.innerType);
    }
    if (!def) return undefined;
    const at = `"${[field, ...keys.slice(0, i)].join(".")}"`;
    if (def.type === "object") {
      if (!def.shape || !(key in def.shape)) {
        return `${at} has no "${key}" (it has: ${Object.keys(def.shape ?? {})
          .sort()
          .join(", ")})`;
      }
      def = defOf(def.shape[key]);
    } else if (def.type === "array") {
      if (key === "length") return keys.length > i + 1 ? `${at}.length is a number` : undefined;
      if (!/^\d+$/.test(key)) return `${at} is a list: "${key}" is no position in it`;
      def = defOf(def.element);
    } else if (LEAVES.has(def.type)) {
      return `${at} is a plain ${def.type} value, with no "${key}"`;
    } else {
      return undefined;
    }
  }
  return undefined;
}
