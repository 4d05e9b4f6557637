"""The book's to-do application (ch. 13, nodetodo) as a Python command line over the two DynamoDB tables.

    python todo.py user-add <uid> <email> <phone>
    python todo.py user-rm <uid>
    python todo.py user-ls [--limit N] [--next UID]
    python todo.py user <uid>
    python todo.py task-add <uid> <description> [<category>] [--dueat YYYYMMDD]
    python todo.py task-rm <uid> <tid>
    python todo.py task-ls <uid> [<category>] [--overdue|--due|--withoutdue|--futuredue|--dueafter D|--duebefore D]
    python todo.py task-la <category> [same due filters]      (queries the category-index)
    python todo.py task-done <uid> <tid>

The table names come from the stack (`pulumi stack output userTable` / `taskTable`) through
TODO_USER_TABLE and TODO_TASK_TABLE, or --user-table / --task-table. Credentials and region are the
AWS CLI's. Items: users {uid, email, phone}; tasks {uid, tid (ms since the epoch), description,
created (yyyymmdd), optional category, due (yyyymmdd), completed (yyyymmdd)}.
"""

import argparse
import datetime
import json
import os
import sys
import time
from typing import Any, Callable, Optional

TASK_INDEX = "category-index"
"""The global secondary index of the tasks table: tasks by category, sorted by tid."""
DEFAULT_LIMIT = 10


def today() -> int:
    """Today as yyyymmdd (UTC), the book's date format."""
    return int(datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d"))


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB item as plain JSON values."""
    return {key: int(value["N"]) if "N" in value else value["S"] for key, value in item.items()}


class Todo:
    """The application's operations on the users and tasks tables."""

    def __init__(self, dynamodb: Any, user_table: str, task_table: str, clock: Callable[[], float] = time.time) -> None:
        self.dynamodb, self.user_table, self.task_table, self.clock = dynamodb, user_table, task_table, clock

    def user_add(self, uid: str, email: str, phone: str) -> dict[str, Any]:
        """Add a user; refuses an existing uid."""
        item = {"uid": {"S": uid}, "email": {"S": email}, "phone": {"S": phone}}
        self.dynamodb.put_item(TableName=self.user_table, Item=item, ConditionExpression="attribute_not_exists(uid)")
        return _plain(item)

    def user_rm(self, uid: str) -> None:
        """Remove a user."""
        self.dynamodb.delete_item(TableName=self.user_table, Key={"uid": {"S": uid}})

    def user(self, uid: str) -> Optional[dict[str, Any]]:
        """One user, or None."""
        item = self.dynamodb.get_item(TableName=self.user_table, Key={"uid": {"S": uid}}).get("Item")
        return _plain(item) if item else None

    def user_ls(self, limit: int = DEFAULT_LIMIT, next_uid: Optional[str] = None) -> tuple[list[dict[str, Any]], Optional[str]]:
        """A page of users and the uid to continue after (None on the last page)."""
        request: dict[str, Any] = {"TableName": self.user_table, "Limit": limit}
        if next_uid:
            request["ExclusiveStartKey"] = {"uid": {"S": next_uid}}
        response = self.dynamodb.scan(**request)
        last = response.get("LastEvaluatedKey")
        return [_plain(i) for i in response.get("Items", [])], last["uid"]["S"] if last else None

    def task_add(self, uid: str, description: str, category: Optional[str] = None, due: Optional[int] = None) -> dict[str, Any]:
        """Add a task for a user; tid is the creation time in milliseconds."""
        item: dict[str, Any] = {
            "uid": {"S": uid},
            "tid": {"N": str(int(self.clock() * 1000))},
            "description": {"S": description},
            "created": {"N": str(today())},
        }
        if category:
            item["category"] = {"S": category}
        if due:
            item["due"] = {"N": str(due)}
        self.dynamodb.put_item(
            TableName=self.task_table, Item=item, ConditionExpression="attribute_not_exists(uid) and attribute_not_exists(tid)"
        )
        return _plain(item)

    def task_rm(self, uid: str, tid: int) -> None:
        """Remove a task."""
        self.dynamodb.delete_item(TableName=self.task_table, Key={"uid": {"S": uid}, "tid": {"N": str(tid)}})

    def task_done(self, uid: str, tid: int) -> dict[str, Any]:
        """Mark a task completed today."""
        response = self.dynamodb.update_item(
            TableName=self.task_table,
            Key={"uid": {"S": uid}, "tid": {"N": str(tid)}},
            UpdateExpression="SET completed = :today",
            ConditionExpression="attribute_exists(tid)",
            ExpressionAttributeValues={":today": {"N": str(today())}},
            ReturnValues="ALL_NEW",
        )
        return _plain(response["Attributes"])

    def task_ls(self, uid: str, category: Optional[str] = None, due: Optional[tuple[str, Optional[int]]] = None,
                limit: int = DEFAULT_LIMIT, next_tid: Optional[int] = None) -> list[dict[str, Any]]:
        """A user's tasks, oldest first, optionally of one category and filtered by due date."""
        values = {":uid": {"S": uid}}
        filters = _due_filter(due, values)
        if category:
            filters.append("category = :category")
            values[":category"] = {"S": category}
        return self._query(None, "uid = :uid", values, filters, limit, next_tid)

    def task_la(self, category: str, due: Optional[tuple[str, Optional[int]]] = None,
                limit: int = DEFAULT_LIMIT, next_tid: Optional[int] = None) -> list[dict[str, Any]]:
        """Every user's tasks of one category, through the category-index."""
        values = {":category": {"S": category}}
        return self._query(TASK_INDEX, "category = :category", values, _due_filter(due, values), limit, next_tid)

    def _query(self, index: Optional[str], key: str, values: dict, filters: list[str],
               limit: int, next_tid: Optional[int]) -> list[dict[str, Any]]:
        if next_tid is not None:
            key += " AND tid > :next"
            values[":next"] = {"N": str(next_tid)}
        request: dict[str, Any] = {"TableName": self.task_table, "KeyConditionExpression": key, "ExpressionAttributeValues": values,
                                   "Limit": limit}
        if index:
            request["IndexName"] = index
        if filters:
            request["FilterExpression"] = " AND ".join(filters)
        return [_plain(item) for item in self.dynamodb.query(**request).get("Items", [])]


def _due_filter(due: Optional[tuple[str, Optional[int]]], values: dict) -> list[str]:
    """The book's due filters: overdue, due (today), withoutdue, futuredue, dueafter D, duebefore D."""
    if due is None:
        return []
    kind, date = due
    if kind == "withoutdue":
        return ["attribute_not_exists(due)"]
    operator = {"overdue": "<", "due": "=", "futuredue": ">", "dueafter": ">", "duebefore": "<"}[kind]
    values[":due"] = {"N": str(date if date is not None else today())}
    return [f"due {operator} :due"]


def _date(text: str) -> int:
    try:
        datetime.datetime.strptime(text, "%Y%m%d")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYYMMDD") from None
    return int(text)


def parser() -> argparse.ArgumentParser:
    """The command line of the book's nodetodo."""
    main = argparse.ArgumentParser(prog="todo.py", description="The to-do application of AWS in Action, chapter 13.")
    main.add_argument("--user-table", default=os.environ.get("TODO_USER_TABLE"), help="users table (default $TODO_USER_TABLE)")
    main.add_argument("--task-table", default=os.environ.get("TODO_TASK_TABLE"), help="tasks table (default $TODO_TASK_TABLE)")
    commands = main.add_subparsers(dest="command", required=True)
    add = commands.add_parser("user-add")
    add.add_argument("uid")
    add.add_argument("email")
    add.add_argument("phone")
    commands.add_parser("user-rm").add_argument("uid")
    commands.add_parser("user").add_argument("uid")
    listing = commands.add_parser("user-ls")
    listing.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    listing.add_argument("--next")
    task = commands.add_parser("task-add")
    task.add_argument("uid")
    task.add_argument("description")
    task.add_argument("category", nargs="?")
    task.add_argument("--dueat", type=_date)
    for name in ("task-rm", "task-done"):
        command = commands.add_parser(name)
        command.add_argument("uid")
        command.add_argument("tid", type=int)
    for name, positional in (("task-ls", ("uid", "category?")), ("task-la", ("category",))):
        command = commands.add_parser(name)
        for argument in positional:
            command.add_argument(argument.rstrip("?"), nargs="?" if argument.endswith("?") else None)
        due = command.add_mutually_exclusive_group()
        for flag in ("overdue", "due", "withoutdue", "futuredue"):
            due.add_argument(f"--{flag}", action="store_true")
        due.add_argument("--dueafter", type=_date)
        due.add_argument("--duebefore", type=_date)
        command.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
        command.add_argument("--next", type=int)
    return main


def _due(options: argparse.Namespace) -> Optional[tuple[str, Optional[int]]]:
    for flag in ("overdue", "due", "withoutdue", "futuredue"):
        if getattr(options, flag, False):
            return flag, None
    for flag in ("dueafter", "duebefore"):
        if getattr(options, flag, None):
            return flag, getattr(options, flag)
    return None


def run(argv: list[str], dynamodb: Any = None) -> Any:
    """Run one command; returns what it prints (as JSON)."""
    options = parser().parse_args(argv)
    if not options.user_table or not options.task_table:
        raise SystemExit("todo.py: set TODO_USER_TABLE and TODO_TASK_TABLE (pulumi stack output) or pass --user-table/--task-table")
    if dynamodb is None:
        import boto3

        dynamodb = boto3.client("dynamodb")
    todo = Todo(dynamodb, options.user_table, options.task_table)
    command = options.command
    if command == "user-add":
        return todo.user_add(options.uid, options.email, options.phone)
    if command == "user-rm":
        return todo.user_rm(options.uid)
    if command == "user":
        return todo.user(options.uid)
    if command == "user-ls":
        users, next_uid = todo.user_ls(options.limit, options.next)
        return {"users": users, "next": next_uid}
    if command == "task-add":
        return todo.task_add(options.uid, options.description, options.category, options.dueat)
    if command == "task-rm":
        return todo.task_rm(options.uid, options.tid)
    if command == "task-done":
        return todo.task_done(options.uid, options.tid)
    if command == "task-ls":
        return todo.task_ls(options.uid, options.category, _due(options), options.limit, options.next)
    return todo.task_la(options.category, _due(options), options.limit, options.next)


if __name__ == "__main__":
    result = run(sys.argv[1:])
    if result is not None:
        print(json.dumps(result, indent=2))
