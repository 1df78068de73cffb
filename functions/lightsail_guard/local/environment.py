"""A whole AWS organization on one machine: moto for the AWS services it has, the Lightsail fake for
the one it lacks, the real state machine definition executed by moto's Step Functions interpreter, and
the real handlers invoked in-process.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3
from moto import mock_aws

from ..config.model import GuardConfig
from ..handlers.sessions import forget_sessions
from ..notifications.channels import forget_tokens
from ..runtime import CONFIG_VARIABLE
from ..workflow import FUNCTIONS, render_definition
from .lambda_bridge import LambdaBridge
from .lightsail_fake import LightsailFake
from .member_roles import AssumeRoleGate
from .telegram_fake import TelegramFake

HUB_ACCOUNT = "123456789012"  # moto's default account: the hub's credentials resolve to it
HUB_REGION = "us-east-1"
STATE_MACHINE_NAME = "lightsail-guard"
LEDGER_TABLE = "lightsail-guard-ledger"
_ENV_KEYS = (
    CONFIG_VARIABLE,
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "ALERT_TOPIC_ARN",
    "LEDGER_TABLE",
    "TELEGRAM_SECRET_ARN",
    "TELEGRAM_API_BASE",
    "EVENT_BUS_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
    "POWERTOOLS_SERVICE_NAME",
)


@dataclass
class Execution:
    """One finished execution: status, output and the history as the console would show it."""

    arn: str
    status: str
    output: dict[str, Any] | None
    error: str | None
    cause: str | None
    events: list[dict[str, Any]]

    def states_entered(self) -> list[str]:
        return [e["stateEnteredEventDetails"]["name"] for e in self.events if "stateEnteredEventDetails" in e]

    def state_input(self, state: str) -> dict[str, Any] | None:
        """The input of the last entry into ``state`` (as the console's step details show it)."""
        for event in reversed(self.events):
            details = event.get("stateEnteredEventDetails")
            if details and details["name"] == state:
                return json.loads(details["input"])
        return None

    @property
    def state_transitions(self) -> int:
        """Billed transitions: each state entered counts once (the execution's own start too)."""
        return len(self.states_entered())


@contextmanager
def atomic_dynamodb_writes() -> Iterator[None]:
    """DynamoDB applies a conditional write atomically; moto's backend does not lock, so two threads
    (two executions' Map iterations) could both pass one condition. Serialise moto's writes, as
    DynamoDB's per-item atomicity would."""
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    originals = {name: getattr(DynamoDBBackend, name) for name in ("put_item", "update_item", "delete_item")}

    def locked(original: Callable[..., Any]) -> Callable[..., Any]:
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            with lock:
                return original(self, *args, **kwargs)

        return call

    for name, original in originals.items():
        setattr(DynamoDBBackend, name, locked(original))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(DynamoDBBackend, name, original)


@dataclass
class LocalAws:
    """Set up once per simulation; ``run(now)`` executes the state machine at a virtual instant."""

    config: GuardConfig
    clock: Callable[[], datetime]
    member_accounts: dict[str, bool] = field(default_factory=dict)  # account -> role can be assumed
    fake: LightsailFake = field(init=False)
    bridge: LambdaBridge = field(init=False)
    gate: AssumeRoleGate = field(init=False)
    state_machine_arn: str = field(init=False, default="")
    topic_arn: str = field(init=False, default="")
    queue_url: str = field(init=False, default="")
    events_queue_url: str = field(init=False, default="")
    #: The local Telegram Bot API, running while the configuration names Telegram chats.
    telegram: TelegramFake | None = field(init=False, default=None)

    @contextmanager
    def started(self, **fake_options: Any) -> Iterator[LocalAws]:
        saved = {k: os.environ.get(k) for k in _ENV_KEYS}
        mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        mock.start()
        atomic = atomic_dynamodb_writes()
        atomic.__enter__()
        self.fake = LightsailFake(self.clock, **fake_options)
        self.gate = AssumeRoleGate()
        arns = {
            f.key: f"arn:aws:lambda:{HUB_REGION}:{HUB_ACCOUNT}:function:lightsail-guard-{f.key}"
            for f in FUNCTIONS
        }
        self.bridge = LambdaBridge(arns)
        self.telegram = TelegramFake().start() if self.config.telegram_chat_ids else None
        try:
            self._provision(arns)
            self.gate.install()  # after provisioning: it creates the roles the gate then checks
            self.bridge.install()
            boto3.DEFAULT_SESSION = None  # sessions made from now on carry every hook above
            self.fake.install()
            forget_sessions()
            yield self
        finally:
            self.bridge.uninstall()
            self.gate.uninstall()
            self.fake.uninstall()
            forget_sessions()
            forget_tokens()
            if self.telegram is not None:
                self.telegram.stop()
            atomic.__exit__(None, None, None)
            mock.stop()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def _provision(self, function_arns: dict[str, str]) -> None:
        hub = boto3.Session(region_name=HUB_REGION)
        sns, sqs = hub.client("sns"), hub.client("sqs")
        self.topic_arn = sns.create_topic(Name="lightsail-guard-alerts")["TopicArn"]
        self.queue_url = sqs.create_queue(QueueName="lightsail-guard-inbox")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        # An SQS subscription plays the e-mail inbox: every alert and report lands there, as sent.
        sns.subscribe(
            TopicArn=self.topic_arn,
            Protocol="sqs",
            Endpoint=queue_arn,
            Attributes={"RawMessageDelivery": "false"},
        )
        os.environ.update(
            {
                CONFIG_VARIABLE: self.config.to_json(),
                "AWS_REGION": HUB_REGION,
                "AWS_DEFAULT_REGION": HUB_REGION,
                "ALERT_TOPIC_ARN": self.topic_arn,
            }
        )
        hub.client("dynamodb").create_table(
            TableName=LEDGER_TABLE,
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        os.environ["LEDGER_TABLE"] = LEDGER_TABLE
        self._provision_events(hub)
        self._provision_telegram(hub)
        self._create_member_roles()
        sfn = hub.client("stepfunctions")
        self.state_machine_arn = sfn.create_state_machine(
            name=STATE_MACHINE_NAME,
            definition=render_definition(function_arns),
            roleArn=f"arn:aws:iam::{HUB_ACCOUNT}:role/lightsail-guard-workflow",
            type=self.config.workflow_type,
        )["stateMachineArn"]

    def _provision_events(self, hub: boto3.Session) -> None:
        """A rule on the default bus sends the guard's action events to a queue (what a consumer sees)."""
        events, sqs = hub.client("events"), hub.client("sqs")
        self.events_queue_url = sqs.create_queue(QueueName="lightsail-guard-events")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=self.events_queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        events.put_rule(
            Name="lightsail-guard-actions", EventPattern=json.dumps({"source": ["lightsail-guard"]})
        )
        events.put_targets(Rule="lightsail-guard-actions", Targets=[{"Id": "queue", "Arn": queue_arn}])
        os.environ.pop("EVENT_BUS_NAME", None)  # the default bus, as deployed

    def _provision_telegram(self, hub: boto3.Session) -> None:
        """The bot token in Secrets Manager and the Bot API on loopback, when Telegram chats are configured."""
        for key in ("TELEGRAM_SECRET_ARN", "TELEGRAM_API_BASE"):
            os.environ.pop(key, None)
        if self.telegram is None:
            return
        secret = hub.client("secretsmanager").create_secret(
            Name="lightsail-guard/telegram-bot-token",
            SecretString=json.dumps({"botToken": self.telegram.token}),
        )
        os.environ["TELEGRAM_SECRET_ARN"] = secret["ARN"]
        os.environ["TELEGRAM_API_BASE"] = self.telegram.base_url

    def _create_member_roles(self) -> None:
        """The member role in each account whose role is assumable, trusting the hub (with external id)."""
        condition = (
            {"StringEquals": {"sts:ExternalId": self.config.external_id}} if self.config.external_id else {}
        )
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{HUB_ACCOUNT}:root"},
                    "Action": "sts:AssumeRole",
                    **({"Condition": condition} if condition else {}),
                }
            ],
        }
        hub = boto3.Session(region_name=HUB_REGION)
        sts = hub.client("sts")
        for account, assumable in sorted(self.member_accounts.items()):
            if not assumable:
                continue
            # Administrator access into the member account, to create its role there (as a StackSet would).
            admin = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                RoleSessionName="provision",
            )["Credentials"]
            iam = boto3.client(
                "iam",
                aws_access_key_id=admin["AccessKeyId"],
                aws_secret_access_key=admin["SecretAccessKey"],
                aws_session_token=admin["SessionToken"],
            )
            iam.create_role(RoleName=self.config.member_role_name, AssumeRolePolicyDocument=json.dumps(trust))

    def run(self, *, now: datetime | None, mode: str = "check", name: str | None = None) -> Execution:
        sfn = boto3.client("stepfunctions", region_name=HUB_REGION)
        payload: dict[str, Any] = {"mode": mode}
        if now is not None:
            from ..core.billing_period import format_instant

            payload["now"] = format_instant(now)
        # Named explicitly: moto names an unnamed execution "None" (AWS would pick a UUID).
        started = sfn.start_execution(
            stateMachineArn=self.state_machine_arn, input=json.dumps(payload), name=name or str(uuid.uuid4())
        )
        arn = started["executionArn"]
        deadline = time.monotonic() + 300
        while True:
            described = sfn.describe_execution(executionArn=arn)
            if described["status"] != "RUNNING":
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"execution {arn} still running after 300 s")
            time.sleep(0.02)
        events = self._history(sfn, arn)
        output = json.loads(described["output"]) if described.get("output") else None
        return Execution(
            arn, described["status"], output, described.get("error"), described.get("cause"), events
        )

    @staticmethod
    def _history(sfn: Any, arn: str) -> list[dict[str, Any]]:
        # The interpreter writes its last events just after the status flips: wait for the end event.
        for _ in range(400):
            events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
            if (
                events
                and events[-1]["type"].startswith("Execution")
                and events[-1]["type"] != "ExecutionStarted"
            ):
                return events
            time.sleep(0.005)
        return events

    def telegram_messages(self) -> list[dict[str, str]]:
        """Every Telegram message delivered since the last call, as readers see it; drains the fake."""
        if self.telegram is None:
            return []
        messages = [{"chat": m.chat_id, "text": m.shown} for m in self.telegram.messages]
        self.telegram.reset()
        return messages

    def events(self) -> list[dict[str, Any]]:
        """Every action event published since the last call (detail type and detail); drains the queue."""
        sqs = boto3.client("sqs", region_name=HUB_REGION)
        received = []
        while batch := sqs.receive_message(QueueUrl=self.events_queue_url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            for message in batch:
                event = json.loads(message["Body"])
                received.append({"detailType": event["detail-type"], "detail": event["detail"]})
                sqs.delete_message(QueueUrl=self.events_queue_url, ReceiptHandle=message["ReceiptHandle"])
        return received

    def inbox(self) -> list[dict[str, str]]:
        """Every SNS message delivered so far (subject and body), oldest first; drains the queue."""
        sqs = boto3.client("sqs", region_name=HUB_REGION)
        messages = []
        while True:
            batch = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return messages
            for message in batch:
                envelope = json.loads(message["Body"])
                messages.append({"subject": envelope.get("Subject", ""), "body": envelope["Message"]})
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
