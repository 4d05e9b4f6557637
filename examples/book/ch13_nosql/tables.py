"""The to-do application's two tables (book ch. 13), shared by the program and the tests of todo.py."""

from awsinaction.nosql_table import AttributeType, GlobalSecondaryIndex, NoSqlTableArgs

USERS = NoSqlTableArgs(hash_key="uid")
"""todo-user: one item per user, keyed by uid."""
TASKS = NoSqlTableArgs(
    hash_key="uid",
    range_key="tid",
    range_key_type=AttributeType.N,
    global_secondary_indexes=[
        GlobalSecondaryIndex(name="category-index", hash_key="category", range_key="tid", range_key_type=AttributeType.N)
    ],
)
"""todo-task: a user's tasks sorted by tid (creation time in ms); category-index lists a category's tasks of every user."""
