"""The alert topic: SNS encrypted with a customer managed KMS key that only the account's
EventBridge rules and CloudWatch alarms may use to publish.

An SNS topic encrypted with a customer managed key accepts a message from an AWS service
only when the key policy lets that service principal call ``kms:GenerateDataKey*`` and
``kms:Decrypt`` (the AWS managed ``aws/sns`` key cannot be changed to allow that).
Source: Amazon SNS Developer Guide, "Enable compatibility between event sources from AWS
services and encrypted topics"; Amazon EventBridge User Guide, "Amazon SNS permissions";
Amazon CloudWatch User Guide, "Using Amazon CloudWatch alarms" (encrypted topics).

Both the key policy and the topic policy pin each service grant to this account
(``aws:SourceAccount``) so no other account's rule or alarm can use them (the confused
deputy problem); the key grant is further pinned to this topic through the SNS encryption
context (``kms:EncryptionContext:aws:sns:topicArn``).
"""

from __future__ import annotations

from collections.abc import Sequence

import jsii
from aws_cdk import Aws
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from ..keys import baseline_key

#: Service principals that publish alerts: EventBridge rules and CloudWatch alarms.
PUBLISHING_SERVICES: tuple[str, ...] = ("events.amazonaws.com", "cloudwatch.amazonaws.com")

#: What a publishing service needs on the key of an encrypted topic.
KEY_ACTIONS: tuple[str, ...] = ("kms:GenerateDataKey*", "kms:Decrypt")


class AlertTopic(Construct):
    """An encrypted SNS topic for security alerts, with its key and subscriptions.

    Creates an ``AWS::KMS::Key`` (:attr:`key`, rotation on, retained on deletion), an
    ``AWS::SNS::Topic`` (:attr:`topic`, fixed name, TLS required by its policy), a topic
    policy statement per publishing service, and one subscription per e-mail address and
    for the optional HTTPS endpoint. Use :meth:`rule_target` as the target of EventBridge rules.

    Args:
        scope: parent construct.
        id: construct id.
        topic_name: SNS topic name, 1-256 characters of ``[A-Za-z0-9_-]``; fixed so the key
            policy can name the topic ARN without a circular reference.
        emails: e-mail addresses to subscribe (each confirms by mail before receiving).
        https_endpoint: an ``https://`` URL to subscribe, or ``None``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        topic_name: str,
        emails: Sequence[str] = (),
        https_endpoint: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.topic_arn_literal = f"arn:{Aws.PARTITION}:sns:{Aws.REGION}:{Aws.ACCOUNT_ID}:{topic_name}"
        self.key = baseline_key(self, "Key", description=f"Encrypts the security alert topic {topic_name}.")
        for service in PUBLISHING_SERVICES:
            self.key.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"Allow{service.split('.')[0].capitalize()}ToPublishToAlertTopic",
                    principals=[iam.ServicePrincipal(service)],
                    actions=list(KEY_ACTIONS),
                    resources=["*"],  # in a key policy, "*" is this key
                    conditions={
                        "StringEquals": {
                            "aws:SourceAccount": Aws.ACCOUNT_ID,
                            "kms:EncryptionContext:aws:sns:topicArn": self.topic_arn_literal,
                        }
                    },
                )
            )
        self.topic = sns.Topic(
            self,
            "Resource",
            topic_name=topic_name,
            display_name="IAM baseline security alerts",
            master_key=self.key,
            enforce_ssl=True,
        )
        for service in PUBLISHING_SERVICES:
            self.topic.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"Allow{service.split('.')[0].capitalize()}Publish",
                    principals=[iam.ServicePrincipal(service)],
                    actions=["sns:Publish"],
                    resources=[self.topic.topic_arn],
                    conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
                )
            )
        for email in emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        if https_endpoint:
            self.topic.add_subscription(
                subscriptions.UrlSubscription(https_endpoint, protocol=sns.SubscriptionProtocol.HTTPS)
            )

    def rule_target(self, message: events.RuleTargetInput) -> events.IRuleTarget:
        """An EventBridge target that publishes ``message`` to the topic.

        Unlike ``aws_events_targets.SnsTopic``, it adds no grant: that target would add an
        unconditioned ``events.amazonaws.com`` statement to the topic and key policies; the
        account-pinned grants made in the constructor are the only ones.
        """
        return _TopicTarget(self.topic, message)


@jsii.implements(events.IRuleTarget)
class _TopicTarget:
    def __init__(self, topic: sns.ITopic, message: events.RuleTargetInput) -> None:
        self._topic = topic
        self._message = message

    def bind(self, rule: events.IRule, id: str | None = None) -> events.RuleTargetConfig:  # noqa: A002 - jsii name
        del rule, id  # the topic is fixed; nothing depends on the rule
        return events.RuleTargetConfig(arn=self._topic.topic_arn, input=self._message)
