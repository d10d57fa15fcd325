import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type GraphQLCompositeType,
  type GraphQLField,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** How many items a list field is assumed to hold when its cost is reckoned (lists have no declared size). */
export const LIST_SIZE_ESTIMATE = 10;

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

export interface QueryBounds {
  maxDepth: number;
  maxComplexity: number;
}

/** Depth (fields on the longest path) and cost (every field 1, a list's selections times LIST_SIZE_ESTIMATE). */
interface Measure {
  depth: number;
  complexity: number;
}

/**
 * A validation rule that refuses an operation nested deeper than `maxDepth` fields or costlier than
 * `maxComplexity`, before anything runs. Introspection (`__schema`, `__type`) is not measured, so
 * the standard introspection query (15 deep) stays answerable without a token: it resolves over
 * the in-memory schema, whose type wrappers end a few `ofType`s down, and the body limit bounds it.
 */
export function queryBoundsRule({ maxDepth, maxComplexity }: QueryBounds): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return; // the standard rules report an operation the schema does not support
      const { depth, complexity } = measure(context, operation.selectionSet, root, new Set());
      const name = operation.name ? `operation ${operation.name.value}` : 'the operation';
      if (depth > maxDepth) {
        context.reportError(
          new GraphQLError(`${name} is ${depth} fields deep; the maximum depth is ${maxDepth} (COHORT_GRAPHQL_MAX_DEPTH)`, {
            nodes: [operation],
            extensions: { depth, maxDepth }, // Apollo sets the code: GRAPHQL_VALIDATION_FAILED
          }),
        );
      }
      if (complexity > maxComplexity) {
        context.reportError(
          new GraphQLError(
            `${name} costs ${complexity} (one per field, lists counted as ${LIST_SIZE_ESTIMATE} items); the maximum complexity is ${maxComplexity} (COHORT_GRAPHQL_MAX_COMPLEXITY)`,
            { nodes: [operation], extensions: { complexity, maxComplexity } },
          ),
        );
      }
    },
  });
}

/** `fragments`: the spreads on the current path, so a fragment cycle (reported by NoFragmentCycles) cannot loop here. */
function measure(context: ValidationContext, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, fragments: Set<string>): Measure {
  let depth = 0;
  let complexity = 0;
  const add = (m: Measure) => {
    depth = Math.max(depth, m.depth);
    complexity += m.complexity;
  };
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (INTROSPECTION_ROOTS.has(selection.name.value)) continue;
      const field = fieldOf(parent, selection.name.value);
      const type = field && getNamedType(field.type);
      if (!selection.selectionSet || !type || !isCompositeType(type)) {
        add({ depth: 1, complexity: 1 });
        continue;
      }
      const inner = measure(context, selection.selectionSet, type, fragments);
      const items = isListType(getNullableType(field.type)) ? LIST_SIZE_ESTIMATE : 1;
      add({ depth: 1 + inner.depth, complexity: 1 + items * inner.complexity });
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition && context.getSchema().getType(selection.typeCondition.name.value);
      add(measure(context, selection.selectionSet, condition && isCompositeType(condition) ? condition : parent, fragments));
    } else {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      if (!fragment || fragments.has(name)) continue;
      const condition = context.getSchema().getType(fragment.typeCondition.name.value);
      add(measure(context, fragment.selectionSet, condition && isCompositeType(condition) ? condition : parent, new Set(fragments).add(name)));
    }
  }
  return { depth, complexity };
}

/** The field `name` of `parent` (undefined for `__typename`, a leaf, or a field the standard rules report). */
function fieldOf(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}
