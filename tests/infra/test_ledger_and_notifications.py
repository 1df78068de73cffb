"""The ledger table and the notification channels (SNS topic, e-mail subscriptions, Telegram secret)."""

from pulumi.runtime import rpc

#: How a Pulumi secret travels to the engine (and is stored encrypted): a value under this signature.
SECRET_MARK = {rpc._special_sig_key: rpc._special_secret_sig}


def test_ledger_is_on_demand_with_pk_sk_string_keys(organization_stack):
    table = organization_stack.one("aws:dynamodb/table:Table").inputs
    assert table["billingMode"] == "PAY_PER_REQUEST"
    assert (table["hashKey"], table["rangeKey"]) == ("pk", "sk")
    assert sorted(table["attributes"], key=lambda a: a["name"]) == [
        {"name": "pk", "type": "S"},
        {"name": "sk", "type": "S"},
    ]


def test_ledger_items_expire_on_expires_at(organization_stack):
    assert organization_stack.one("aws:dynamodb/table:Table").inputs["ttl"] == {
        "attributeName": "expiresAt",
        "enabled": True,
    }


def test_ledger_has_point_in_time_recovery(organization_stack):
    assert organization_stack.one("aws:dynamodb/table:Table").inputs["pointInTimeRecovery"]["enabled"] is True


def test_ledger_has_no_secondary_index_to_grant(organization_stack):
    # The IAM grants name the table ARN only: an index added here needs its ARN in iam.ledger_access
    table = organization_stack.one("aws:dynamodb/table:Table").inputs
    assert not table.get("globalSecondaryIndexes") and not table.get("localSecondaryIndexes")


def test_every_configured_address_subscribes_to_the_topic_by_email(organization_stack):
    topic = organization_stack.one("aws:sns/topic:Topic").outputs["arn"]
    subscriptions = organization_stack.all("aws:sns/topicSubscription:TopicSubscription")
    assert sorted((s.inputs["topic"], s.inputs["protocol"], s.inputs["endpoint"]) for s in subscriptions) == [
        (topic, "email", "oncall@example.com"),
        (topic, "email", "ops@example.com"),
    ]


def test_the_telegram_token_is_stored_as_a_secret_value(organization_stack):
    # Given telegramChatIds and the token from `pulumi config set --secret`
    version = organization_stack.one("aws:secretsmanager/secretVersion:SecretVersion").inputs
    secret = organization_stack.one("aws:secretsmanager/secret:Secret")
    # Then the value goes into Secrets Manager and stays a Pulumi secret (encrypted in the state)
    assert version["secretId"] == f"{secret.outputs['name']}-id"
    assert version["secretString"] == {**SECRET_MARK, "value": "123456:token"}


def test_no_telegram_secret_without_chat_ids(standard_stack):
    assert standard_stack.all("aws:secretsmanager/secret:Secret") == []
    assert standard_stack.all("aws:secretsmanager/secretVersion:SecretVersion") == []
