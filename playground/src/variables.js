// Example variables for a document with none written by hand: a value for every variable the
// operation declares, from its type (input objects get their required fields).
import { parse, typeFromAST, isNonNullType, isListType, isInputObjectType, isEnumType, isScalarType } from 'graphql';

const SCALARS = { Int: 10, Float: 1.5, Boolean: false, String: '', ID: '', Decimal: '10.00', DateTime: new Date().toISOString() };

function sample(type, depth) {
  if (isNonNullType(type)) return sample(type.ofType, depth);
  if (isListType(type)) return [sample(type.ofType, depth)];
  if (isEnumType(type)) return type.getValues()[0]?.name ?? null;
  if (isScalarType(type)) return SCALARS[type.name] ?? '';
  if (isInputObjectType(type) && depth < 4) {
    const out = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type)) out[field.name] = sample(field.type, depth + 1);
    }
    return out;
  }
  return null;
}

export function exampleVariables(document, schema) {
  const vars = {};
  let ast;
  try {
    ast = parse(document);
  } catch {
    return vars;
  }
  const op = ast.definitions.find((d) => d.kind === 'OperationDefinition');
  for (const def of op?.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = schema ? typeFromAST(schema, def.type) : null;
    if (!type) vars[name] = null;
    else if (isNonNullType(type) || name === 'first') vars[name] = sample(type, 0);
  }
  return vars;
}
