"""`field__any=[...]`: membership in a long list as one array parameter on PostgreSQL, or
as a range where the list is a run of consecutive integers.

`field__in` with a batch's 1,000 values binds 1,000 parameters: Django prepares each and
psycopg parses a query text with 1,000 placeholders, about 5 ms a query, and a node waiting
for its batch asks again and again. `field = ANY(%s::type[])` sends the same values as one
array and matches the same rows, using the same index. Other databases get the IN list.
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
        values = list(self.rhs)
        # Plain ints for an integer column, plain strings for a text one, are what each
        # value's preparation would return (on PostgreSQL, ints wrapped in a psycopg type
        # the array's cast makes moot); preparing them one by one cost 4 µs a value, and a
        # node waiting for its batch of 1,000 has three such lists.
        plain = str if isinstance(field, CharField) else int
        as_given = all(type(v) is plain for v in values)
        if not as_given:
            values = [
                field.get_db_prep_value(field.get_prep_value(v), connection, prepared=True)
                for v in values
            ]
        if not values:
            raise EmptyResultSet
        if plain is int and as_given and len(values) > 1:
            # A batch's submission ids and entry indices are mostly one run of consecutive
            # numbers: sent as its two ends, not as an array psycopg writes value by value
            # (a millisecond for 1,000). Exactly the same rows, by the same index.
            low, high, distinct = min(values), max(values), len(set(values))
            if high - low + 1 == distinct:
                return f"{lhs} BETWEEN %s AND %s", (*lhs_params, low, high)
        if connection.vendor == "postgresql":
            array = f"%s::{field.db_type(connection)}[]"
            param: list[Any] | str = values
            if plain is str and as_given and all(v and "," not in v for v in values):
                # psycopg quotes a list's strings one by one: 1,000 document hashes took
                # 2 ms. Joined, they are one string, quoted at once, that the server splits.
                array = f"string_to_array(%s, ',')::{field.db_type(connection)}[]"
                param = ",".join(values)
            return f"{lhs} = ANY({array})", (*lhs_params, param)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)
