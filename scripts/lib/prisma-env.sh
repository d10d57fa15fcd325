# Lets the Prisma CLI run offline (sourced). Prisma's CLI insists on locating native engines it
# would otherwise download; Cohort uses none of them (engineType "client" + the pg driver adapter,
# migrations applied by libs/lineage), so an empty placeholder file satisfies the lookup.
mkdir -p "$COHORT_STATE"
: > "$COHORT_STATE/prisma-engine-placeholder"
export PRISMA_QUERY_ENGINE_LIBRARY="$COHORT_STATE/prisma-engine-placeholder"
export PRISMA_SCHEMA_ENGINE_BINARY="$COHORT_STATE/prisma-engine-placeholder"
export PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1 PRISMA_SKIP_POSTINSTALL_GENERATE=1
