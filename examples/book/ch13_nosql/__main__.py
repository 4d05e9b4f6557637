"""AWS in Action, chapter 13: DynamoDB tables for the to-do application (todo.py is its command line).

    pulumi up
    export TODO_USER_TABLE=$(pulumi stack output userTable) TODO_TASK_TABLE=$(pulumi stack output taskTable)
    python todo.py user-add michael michael@example.com 0123456789
    python todo.py task-add michael "book flight" travel
    python todo.py task-la travel
"""

import dataclasses

import pulumi
import pulumi_aws as aws
from awsinaction.config_errors import config_errors
from awsinaction.lambda_function import check_email
from awsinaction.nosql_table import NoSqlTable
from tables import TASKS, USERS

config = pulumi.Config()
email = config.get("alarmEmail") or None
protection = config.get_bool("deletionProtection")
settings = {
    "billing_mode": config.get("billingMode") or "PAY_PER_REQUEST",
    "deletion_protection": True if protection is None else protection,
}

with config_errors({"billing_mode": "billingMode", "alarm_email": "alarmEmail"}):
    check_email(email, "alarm_email")
    users = NoSqlTable("todo-user", dataclasses.replace(USERS, **settings))
    # One encrypted alarm topic for both tables.
    tasks = NoSqlTable("todo-task", dataclasses.replace(TASKS, alarm_topic_arn=users.alarm_topic_arn, **settings))
if email:
    aws.sns.TopicSubscription("alarm-email", topic=users.alarm_topic_arn, protocol="email", endpoint=email)

pulumi.export("userTable", users.table_name)
pulumi.export("taskTable", tasks.table_name)
pulumi.export("readPolicy", tasks.read_policy)
pulumi.export("writePolicy", tasks.write_policy)
pulumi.export("alarmTopicArn", users.alarm_topic_arn)
