#!/usr/bin/env python3
"""Generate the worked scenario `fixtures/scenarios/reports-app/`.

A small report-building application ran for three days in a sandbox account (111122223333, eu-west-1):

* role `reports-app` (the worker, sessions named after the task that assumed it) reads its configuration
  (`reports-input/config/{templates,fonts,locales}.json`) and CSV inputs from
  `reports-input/incoming/<date>/<uuid>.csv`, writes JSON reports under `reports-output/reports/YYYY/MM/DD/<uuid>.json`,
  lists its output bucket, pulls jobs from the SQS queue `reports-jobs` (Receive/Delete, and re-queues with Send),
  keeps an index in the DynamoDB table `reports-index`, encrypts with one KMS key (GenerateDataKey/Decrypt), and
  invokes the Lambda function `reports-render`. It once tried to delete an input (denied by the bucket policy) and
  once tried to read a secret it was never granted (denied).
* role `reports-batch` (the nightly batch) launches an ephemeral EC2 worker each night with an instance profile
  (`ec2:RunInstances` + `iam:PassRole`), tags it, polls it, terminates it; stages intermediate files in a scratch
  bucket named after the day (`reports-scratch-2026-11-01`, ...); and deploys a preview Lambda function per build
  (`reports-preview-build-1042`, ...) with its execution role (`lambda:CreateFunction` + `iam:PassRole`), deleting
  it afterwards.

The CloudTrail records follow the shapes of real ones (see fixtures/cloudtrail-real): assumed-role userIdentity
with its sessionIssuer, data events with their `resources` array (S3, KMS, DynamoDB, SQS, Lambda), EC2's
instancesSet items, Lambda's API-versioned event names. Files use the S3 `AWSLogs/` layout, one file per hour.

Also written: `terraform/plan.json`, the over-broad declared policies as `terraform show -json` prints a plan.

Deterministic: a fixed seed, no wall clock. Run from the repository root:
    python3 scripts/gen-scenario.py            # writes fixtures/scenarios/reports-app/
    python3 scripts/gen-scenario.py --check    # fails if the committed files differ from what it would write
"""

import argparse
import json
import os
import random
import sys
import uuid
from collections import defaultdict
from datetime import datetime, timedelta, timezone

SEED = 20261101
ACCOUNT = "111122223333"
REGION = "eu-west-1"
NAME = "reports-app"
ROOT = os.path.join("fixtures", "scenarios", NAME)

APP_ROLE = "reports-app"
BATCH_ROLE = "reports-batch"
KEY_ID = "6f1c2a9e-3b7d-4e58-9a41-2c8d5f7e0b13"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
QUEUE = "reports-jobs"
QUEUE_URL = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{QUEUE}"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{QUEUE}"
TABLE = "reports-index"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}"
RENDER_FN = "reports-render"
RENDER_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{RENDER_FN}"
INPUT_BUCKET = "reports-input"
OUTPUT_BUCKET = "reports-output"
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:reports/db-password-Xk2P9q"
EXEC_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/reports-render-exec"
INSTANCE_PROFILE = "reports-batch-worker"
WORKER_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/reports-batch-worker"
AMI = "ami-0a8e758f5e873d1c1"
SUBNET = "subnet-0c1d2e3f4a5b6c7d8"
SG = "sg-0f9e8d7c6b5a49382"
VPC = "vpc-0a1b2c3d4e5f60718"

APP_UA = "Boto3/1.35.54 md/Botocore#1.35.54 ua/2.0 os/linux#6.1.112 md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.54"
BATCH_UA = "aws-cli/2.18.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.1.112 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython exec-env/CodeBuild md/installer#exe md/distrib#amzn.2023 md/prompt#off md/command#"


class Gen:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.records = []

    def uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hexs(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def upper(self, n):
        return "".join(self.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(n))

    def ip(self):
        return f"10.20.{self.rng.randint(0, 15)}.{self.rng.randint(2, 250)}"

    def identity(self, role, session, created):
        role_id = "AROARDGF3KQ7" + ("APPWORKER1" if role == APP_ROLE else "BATCHRUN01")
        return {
            "type": "AssumedRole",
            "principalId": f"{role_id}:{session}",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}",
            "accountId": ACCOUNT,
            "accessKeyId": "ASIA" + self.upper(16),
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": role_id,
                    "arn": f"arn:aws:iam::{ACCOUNT}:role/{role}",
                    "accountId": ACCOUNT,
                    "userName": role,
                },
                "webIdFederationData": {},
                "attributes": {"creationDate": iso(created), "mfaAuthenticated": "false"},
            },
        }

    def event(self, who, t, source, name, req, resp=None, resources=None, data=False, read_only=None,
              error=None, ua=APP_UA, version="1.10"):
        rec = {
            "eventVersion": version if not data else "1.09",
            "userIdentity": who,
            "eventTime": iso(t),
            "eventSource": source,
            "eventName": name,
            "awsRegion": REGION,
            "sourceIPAddress": self.ip(),
            "userAgent": ua,
        }
        if error:
            rec["errorCode"], rec["errorMessage"] = error
        rec["requestParameters"] = req
        rec["responseElements"] = resp
        rec["requestID"] = self.uuid() if source != "s3.amazonaws.com" else self.upper(16)
        rec["eventID"] = self.uuid()
        rec["readOnly"] = bool(read_only)
        if resources is not None:
            rec["resources"] = resources
        rec["eventType"] = "AwsApiCall"
        rec["managementEvent"] = not data
        rec["recipientAccountId"] = ACCOUNT
        rec["eventCategory"] = "Data" if data else "Management"
        rec["tlsDetails"] = {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": host_for(source),
        }
        if source == "s3.amazonaws.com":
            rec["additionalEventData"] = {
                "SignatureVersion": "SigV4",
                "CipherSuite": "TLS_AES_128_GCM_SHA256",
                "bytesTransferredIn": 0,
                "AuthenticationMethod": "AuthHeader",
                "x-amz-id-2": self.upper(40),
                "bytesTransferredOut": 0,
            }
        self.records.append(rec)
        return rec


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def host_for(source):
    service = source.split(".")[0]
    if service == "s3":
        return "s3.eu-west-1.amazonaws.com"
    return f"{service}.{REGION}.amazonaws.com"


def s3_resources(bucket, key=None):
    res = []
    if key is not None:
        res.append({"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"})
    res.append({"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"})
    return res


def typed(kind, arn):
    return [{"accountId": ACCOUNT, "type": kind, "ARN": arn}]


def app_day(g, day):
    """One day of the worker: a handful of tasks, each with its own session."""
    for task in range(g.rng.randint(3, 5)):
        start = day + timedelta(hours=8 + task * 2, minutes=g.rng.randint(0, 50), seconds=g.rng.randint(0, 59))
        session = f"reports-task-{g.hexs(8)}"
        who = g.identity(APP_ROLE, session, start)
        t = start
        step = lambda: t + timedelta(seconds=g.rng.randint(1, 20))  # noqa: E731
        t = step()
        msgs = g.rng.randint(1, 3)
        g.event(who, t, "sqs.amazonaws.com", "ReceiveMessage",
                {"queueUrl": QUEUE_URL, "maxNumberOfMessages": 10, "waitTimeSeconds": 20,
                 "attributeNames": ["All"]},
                None, typed("AWS::SQS::Queue", QUEUE_ARN), data=True, read_only=True)
        for _ in range(msgs):
            report = g.uuid()
            src = g.uuid()
            in_key = f"incoming/{day:%Y-%m-%d}/{src}.csv"
            t = step()
            g.event(who, t, "s3.amazonaws.com", "GetObject",
                    {"bucketName": INPUT_BUCKET, "Host": f"{INPUT_BUCKET}.s3.eu-west-1.amazonaws.com", "key": in_key},
                    None, s3_resources(INPUT_BUCKET, in_key), data=True, read_only=True)
            t = step()
            g.event(who, t, "kms.amazonaws.com", "Decrypt",
                    {"encryptionAlgorithm": "SYMMETRIC_DEFAULT", "keyId": KEY_ARN,
                     "encryptionContext": {"aws:s3:arn": f"arn:aws:s3:::{INPUT_BUCKET}/{in_key}"}},
                    None, typed("AWS::KMS::Key", KEY_ARN), read_only=True)
            t = step()
            g.event(who, t, "dynamodb.amazonaws.com", "GetItem",
                    {"tableName": TABLE, "key": {"report_id": report}, "consistentRead": False,
                     "projectionExpression": "report_id, #s"},
                    None, typed("AWS::DynamoDB::Table", TABLE_ARN), data=True, read_only=True)
            t = step()
            g.event(who, t, "lambda.amazonaws.com", "Invoke",
                    {"functionName": RENDER_ARN, "invocationType": "RequestResponse", "logType": "None"},
                    None, typed("AWS::Lambda::Function", RENDER_ARN), data=True, version="1.08")
            out_key = f"reports/{day:%Y/%m/%d}/{report}.json"
            t = step()
            g.event(who, t, "kms.amazonaws.com", "GenerateDataKey",
                    {"keyId": KEY_ARN, "keySpec": "AES_256",
                     "encryptionContext": {"aws:s3:arn": f"arn:aws:s3:::{OUTPUT_BUCKET}/{out_key}"}},
                    None, typed("AWS::KMS::Key", KEY_ARN), read_only=True)
            t = step()
            g.event(who, t, "s3.amazonaws.com", "PutObject",
                    {"bucketName": OUTPUT_BUCKET, "Host": f"{OUTPUT_BUCKET}.s3.eu-west-1.amazonaws.com",
                     "key": out_key, "x-amz-server-side-encryption": "aws:kms",
                     "x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN},
                    {"x-amz-server-side-encryption": "aws:kms",
                     "x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN},
                    s3_resources(OUTPUT_BUCKET, out_key), data=True)
            t = step()
            g.event(who, t, "dynamodb.amazonaws.com", "PutItem",
                    {"tableName": TABLE, "key": {"report_id": report}},
                    None, typed("AWS::DynamoDB::Table", TABLE_ARN), data=True)
            t = step()
            g.event(who, t, "sqs.amazonaws.com", "DeleteMessage",
                    {"queueUrl": QUEUE_URL, "receiptHandle": "HIDDEN_DUE_TO_SECURITY_REASONS"},
                    None, typed("AWS::SQS::Queue", QUEUE_ARN), data=True)
        if task == 0:
            for name in ("templates.json", "fonts.json", "locales.json"):
                t = step()
                key = f"config/{name}"
                g.event(who, t, "s3.amazonaws.com", "GetObject",
                        {"bucketName": INPUT_BUCKET, "Host": f"{INPUT_BUCKET}.s3.eu-west-1.amazonaws.com",
                         "key": key},
                        None, s3_resources(INPUT_BUCKET, key), data=True, read_only=True)
            t = step()
            g.event(who, t, "s3.amazonaws.com", "ListObjects",
                    {"bucketName": OUTPUT_BUCKET, "Host": f"{OUTPUT_BUCKET}.s3.eu-west-1.amazonaws.com",
                     "prefix": f"reports/{day:%Y/%m/%d}/", "list-type": "2"},
                    None, s3_resources(OUTPUT_BUCKET), data=True, read_only=True)
            t = step()
            g.event(who, t, "dynamodb.amazonaws.com", "Query",
                    {"tableName": TABLE, "keyConditionExpression": "report_date = :d",
                     "indexName": "by-date", "limit": 50},
                    None, typed("AWS::DynamoDB::Table", TABLE_ARN), data=True, read_only=True)
        if task == 1:
            t = step()
            g.event(who, t, "sqs.amazonaws.com", "SendMessage",
                    {"queueUrl": QUEUE_URL, "messageBody": "HIDDEN_DUE_TO_SECURITY_REASONS", "delaySeconds": 60},
                    {"mD5OfMessageBody": g.hexs(32), "messageId": g.uuid()},
                    typed("AWS::SQS::Queue", QUEUE_ARN), data=True)
            t = step()
            g.event(who, t, "dynamodb.amazonaws.com", "UpdateItem",
                    {"tableName": TABLE, "key": {"report_id": g.uuid()},
                     "updateExpression": "SET #s = :s", "returnValues": "NONE"},
                    None, typed("AWS::DynamoDB::Table", TABLE_ARN), data=True)
        t = step()
        g.event(who, t, "sts.amazonaws.com", "GetCallerIdentity", None, None, read_only=True)


def app_denied(g, day):
    start = day + timedelta(hours=17, minutes=12, seconds=5)
    session = f"reports-task-{g.hexs(8)}"
    who = g.identity(APP_ROLE, session, start)
    key = f"incoming/{day:%Y-%m-%d}/{g.uuid()}.csv"
    g.event(who, start + timedelta(seconds=3), "s3.amazonaws.com", "DeleteObject",
            {"bucketName": INPUT_BUCKET, "Host": f"{INPUT_BUCKET}.s3.eu-west-1.amazonaws.com", "key": key},
            None, s3_resources(INPUT_BUCKET, key), data=True,
            error=("AccessDenied", "Access Denied"))
    g.event(who, start + timedelta(seconds=9), "secretsmanager.amazonaws.com", "GetSecretValue",
            {"secretId": "reports/db-password"}, None, read_only=True,
            error=("AccessDenied",
                   f"User: arn:aws:sts::{ACCOUNT}:assumed-role/{APP_ROLE}/{session} is not authorized to perform: "
                   f"secretsmanager:GetSecretValue on resource: reports/db-password because no identity-based "
                   f"policy allows the secretsmanager:GetSecretValue action"))


def batch_night(g, day, build):
    start = day + timedelta(hours=1, minutes=g.rng.randint(0, 20), seconds=g.rng.randint(0, 59))
    session = f"codebuild-{g.uuid()}"
    who = g.identity(BATCH_ROLE, session, start)
    t = start + timedelta(seconds=4)
    instance = "i-0" + g.hexs(16)
    eni = "eni-0" + g.hexs(16)
    token = g.uuid()
    g.event(who, t, "ec2.amazonaws.com", "RunInstances",
            {"instancesSet": {"items": [{"imageId": AMI, "minCount": 1, "maxCount": 1}]},
             "instanceType": "c6i.large", "blockDeviceMapping": {}, "monitoring": {"enabled": False},
             "subnetId": SUBNET, "disableApiTermination": False, "disableApiStop": False,
             "clientToken": token, "iamInstanceProfile": {"name": INSTANCE_PROFILE},
             "tagSpecificationSet": {"items": [{"resourceType": "instance",
                                                 "tags": [{"key": "app", "value": "reports"}]}]}},
            {"requestId": g.uuid(), "reservationId": "r-0" + g.hexs(16), "ownerId": ACCOUNT, "groupSet": {},
             "instancesSet": {"items": [{
                 "instanceId": instance, "imageId": AMI, "instanceState": {"code": 0, "name": "pending"},
                 "privateDnsName": f"ip-10-20-3-{g.rng.randint(2, 250)}.{REGION}.compute.internal",
                 "amiLaunchIndex": 0, "productCodes": {}, "instanceType": "c6i.large",
                 "placement": {"availabilityZone": f"{REGION}a", "tenancy": "default"},
                 "monitoring": {"state": "disabled"}, "subnetId": SUBNET, "vpcId": VPC,
                 "stateReason": {"code": "pending", "message": "pending"}, "architecture": "x86_64",
                 "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda", "virtualizationType": "hvm",
                 "hypervisor": "xen", "clientToken": token,
                 "groupSet": {"items": [{"groupId": SG, "groupName": "reports-batch"}]},
                 "networkInterfaceSet": {"items": [{"networkInterfaceId": eni, "subnetId": SUBNET, "vpcId": VPC,
                                                     "ownerId": ACCOUNT, "status": "in-use"}]},
                 "iamInstanceProfile": {"arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/{INSTANCE_PROFILE}",
                                        "id": "AIPARDGF3KQ7" + g.upper(9)},
                 "tagSet": {"items": [{"key": "app", "value": "reports"}]}}]}},
            ua=BATCH_UA)
    t += timedelta(seconds=2)
    g.event(who, t, "ec2.amazonaws.com", "CreateTags",
            {"resourcesSet": {"items": [{"resourceId": instance}]},
             "tagSet": {"items": [{"key": "run", "value": f"{day:%Y-%m-%d}"}]}},
            {"requestId": g.uuid(), "_return": True}, ua=BATCH_UA)
    for _ in range(g.rng.randint(2, 4)):
        t += timedelta(seconds=g.rng.randint(15, 60))
        g.event(who, t, "ec2.amazonaws.com", "DescribeInstances",
                {"instancesSet": {"items": [{"instanceId": instance}]}, "filterSet": {}}, None,
                read_only=True, ua=BATCH_UA)
    scratch = f"reports-scratch-{day:%Y-%m-%d}"
    run = g.uuid()
    for part in range(g.rng.randint(2, 3)):
        t += timedelta(seconds=g.rng.randint(5, 30))
        key = f"batch/{run}/part-{part:05d}.parquet"
        g.event(who, t, "s3.amazonaws.com", "PutObject",
                {"bucketName": scratch, "Host": f"{scratch}.s3.eu-west-1.amazonaws.com", "key": key},
                None, s3_resources(scratch, key), data=True, ua=BATCH_UA)
    t += timedelta(minutes=g.rng.randint(20, 40))
    g.event(who, t, "ec2.amazonaws.com", "TerminateInstances",
            {"instancesSet": {"items": [{"instanceId": instance}]}},
            {"requestId": g.uuid(), "instancesSet": {"items": [{
                "instanceId": instance, "currentState": {"code": 32, "name": "shutting-down"},
                "previousState": {"code": 16, "name": "running"}}]}}, ua=BATCH_UA)
    fn = f"reports-preview-build-{build}"
    fn_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{fn}"
    t += timedelta(seconds=30)
    g.event(who, t, "lambda.amazonaws.com", "CreateFunction20150331",
            {"functionName": fn, "runtime": "python3.12", "role": EXEC_ROLE_ARN, "handler": "app.handler",
             "code": {}, "timeout": 30, "memorySize": 512, "publish": True,
             "environment": {}, "architectures": ["arm64"]},
            {"functionName": fn, "functionArn": fn_arn, "runtime": "python3.12", "role": EXEC_ROLE_ARN,
             "handler": "app.handler", "codeSize": 48213, "description": "", "timeout": 30, "memorySize": 512,
             "lastModified": iso(t).replace("Z", ".000+0000"), "codeSha256": g.hexs(43) + "=",
             "version": "1", "state": "Pending", "stateReason": "The function is being created.",
             "stateReasonCode": "Creating", "packageType": "Zip", "architectures": ["arm64"]},
            ua=BATCH_UA, version="1.08")
    t += timedelta(minutes=5)
    g.event(who, t, "lambda.amazonaws.com", "DeleteFunction20150331", {"functionName": fn}, None,
            ua=BATCH_UA, version="1.08")


def write_logs(g):
    by_file = defaultdict(list)
    for rec in g.records:
        t = datetime.strptime(rec["eventTime"], "%Y-%m-%dT%H:%M:%SZ")
        by_file[(t.year, t.month, t.day, t.hour)].append(rec)
    base = os.path.join(ROOT, "cloudtrail", "AWSLogs", ACCOUNT, "CloudTrail", REGION)
    written = {}
    for (y, m, d, h), recs in sorted(by_file.items()):
        recs.sort(key=lambda r: (r["eventTime"], r["eventID"]))
        name_rng = random.Random(f"{SEED}-{y}{m}{d}{h}")
        suffix = "".join(name_rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                         for _ in range(16))
        path = os.path.join(base, f"{y:04d}", f"{m:02d}", f"{d:02d}",
                            f"{ACCOUNT}_CloudTrail_{REGION}_{y:04d}{m:02d}{d:02d}T{h:02d}05Z_{suffix}.json")
        # One record per line, as compact as CloudTrail writes them, yet diffable.
        lines = ",\n".join(json.dumps(r, separators=(",", ":")) for r in recs)
        written[path] = '{"Records":[\n' + lines + "\n]}\n"
    return written


def policy_json(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))


def trust(service):
    return policy_json([{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}])


def plan():
    """The declared, over-broad policies as `terraform show -json` prints a plan of them."""
    app_policy = policy_json([
        {"Sid": "AppData", "Effect": "Allow", "Action": ["s3:*", "sqs:*", "dynamodb:*", "kms:*"], "Resource": "*"},
        {"Sid": "Render", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"},
    ])
    batch_policy = policy_json([
        {"Sid": "Batch", "Effect": "Allow", "Action": ["ec2:*", "s3:*", "lambda:*"], "Resource": "*"},
        {"Sid": "PassRoles", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
    ])
    roles = [
        ("reports_app", APP_ROLE, "ecs-tasks.amazonaws.com", "reports_app_data", "reports-app-data", app_policy),
        ("reports_batch", BATCH_ROLE, "codebuild.amazonaws.com", "reports_batch", "reports-batch", batch_policy),
    ]
    planned, changes, config = [], [], []
    provider = "registry.terraform.io/hashicorp/aws"
    for tf, name, service, ptf, pname, doc in roles:
        role_values = {
            "assume_role_policy": trust(service), "description": f"{name} (sandbox)",
            "force_detach_policies": False, "max_session_duration": 3600, "name": name, "path": "/",
            "permissions_boundary": None, "tags": {"app": "reports"}, "tags_all": {"app": "reports"},
        }
        pol_values = {"name": pname, "name_prefix": None, "policy": doc, "role": name}
        for address, rtype, rname, values, unknown in (
            (f"aws_iam_role.{tf}", "aws_iam_role", tf, role_values,
             {"arn": True, "create_date": True, "id": True, "inline_policy": True, "managed_policy_arns": True,
              "tags": {}, "tags_all": {}, "unique_id": True}),
            (f"aws_iam_role_policy.{ptf}", "aws_iam_role_policy", ptf, pol_values, {"id": True}),
        ):
            planned.append({"address": address, "mode": "managed", "type": rtype, "name": rname,
                            "provider_name": provider, "schema_version": 0, "values": values,
                            "sensitive_values": {"tags": {}, "tags_all": {}} if rtype == "aws_iam_role" else {}})
            changes.append({"address": address, "mode": "managed", "type": rtype, "name": rname,
                            "provider_name": provider,
                            "change": {"actions": ["create"], "before": None, "after": values,
                                       "after_unknown": unknown, "before_sensitive": False,
                                       "after_sensitive": {"tags": {}, "tags_all": {}} if rtype == "aws_iam_role" else {}}})
        config.append({"address": f"aws_iam_role.{tf}", "mode": "managed", "type": "aws_iam_role", "name": tf,
                       "provider_config_key": "aws",
                       "expressions": {"name": {"constant_value": name},
                                       "assume_role_policy": {"constant_value": trust(service)}},
                       "schema_version": 0})
        config.append({"address": f"aws_iam_role_policy.{ptf}", "mode": "managed", "type": "aws_iam_role_policy",
                       "name": ptf, "provider_config_key": "aws",
                       "expressions": {"name": {"constant_value": pname}, "policy": {"constant_value": doc},
                                       "role": {"references": [f"aws_iam_role.{tf}.name", f"aws_iam_role.{tf}"]}},
                       "schema_version": 0})
    doc = {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": provider,
                                        "expressions": {"region": {"constant_value": REGION}}}},
            "root_module": {"resources": config},
        },
        "timestamp": "2026-10-30T16:02:11Z",
        "applyable": True,
        "complete": True,
        "errored": False,
    }
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="fail if the committed files differ")
    args = ap.parse_args()
    g = Gen()
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    for i in range(3):
        day = start + timedelta(days=i)
        batch_night(g, day, 1042 + i)
        app_day(g, day)
        if i == 1:
            app_denied(g, day)
    files = write_logs(g)
    files[os.path.join(ROOT, "terraform", "plan.json")] = plan()
    bad = []
    for path, text in sorted(files.items()):
        if args.check:
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        bad.append(path)
            except FileNotFoundError:
                bad.append(path)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if args.check:
        if bad:
            print("differs from the generator: " + ", ".join(bad), file=sys.stderr)
            return 1
        print(f"ok: {len(files)} files match")
        return 0
    print(f"wrote {len(files)} files, {len(g.records)} CloudTrail records under {ROOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
