"""`field__any=[...]`: membership in a long list as one array parameter on PostgreSQL.

`field__in` with a batch's 1,000 values binds 1,000 parameters, and psycopg parses a query
text with 1,000 placeholders; `field = ANY(%s)` sends the same values as one array and
matches the same rows, using the same index. Other databases get the IN list.
Registered for BigIntegerField (entry indices, submission ids) and CharField (hashes).
"""

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, CharField, Lookup
from django.db.models.sql.compiler import SQLCompiler


@BigIntegerField.register_lookup
@CharField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection, prepared=False) for v in self.rhs]
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            # The cast names the array's type: psycopg would otherwise choose one by the values.
            return f"{lhs} = ANY(%s::{field.db_type(connection)}[])", (*lhs_params, values)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)
