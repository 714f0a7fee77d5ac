"""The schema extension that runs the compiled read path before graphql-core would execute."""

from collections.abc import AsyncIterator

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from resolvers.compiled.plans import PLANS
from resolvers.compiled.roots import execute_compiled


class CompiledReads(SchemaExtension):
    """Answers, once the budget let it run, a query the read graph compiles to SQL whole.

    It sets the result before graphql-core would execute; every other operation runs as usual.
    """

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            execution.result is None
            and context.settings.compiled_reads_enabled
            and not context.over_websocket
            and execution.graphql_document is not None
        ):
            document = execution.graphql_document
            plan = PLANS.plan_for(execution.query or "", execution.operation_name, document)
            try:
                data = await execute_compiled(
                    execution.schema,
                    document,
                    execution.operation_name,
                    execution.variables,
                    context,
                    plan,
                )
            except Exception as error:  # COMPILED_READS_STRICT only: else it falls back
                # as an error of the result, so it is masked and logged as any other
                failed = GraphQLError("the compiled read path failed", original_error=error)
                execution.result = ExecutionResult(data=None, errors=[failed])
                data = None
            if data is not None:
                execution.result = ExecutionResult(data=data)
                context.read_path = "compiled"
                if plan is not None:
                    plan.answered = True  # from now on PlannedReads may answer it whole
        yield
