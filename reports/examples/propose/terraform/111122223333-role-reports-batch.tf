# pare proposal for arn:aws:iam::111122223333:role/reports-batch (strictness balanced): 1179 characters of 6144 (managed)
# declared policies allowed 1126 actions; this allows 8 (1118 removed, 5 with narrower resources)
data "aws_iam_policy_document" "reports_batch" {
  # observed: ec2:CreateTags, ec2:DescribeInstances (11 successful calls)
  # events: 2e2d65f1-d98a-4d28-aeed-40b2511ce52d, f16bfe8b-1696-49de-a107-aed4b4f83718, 145fc81d-4696-4c7d-be8a-40d69ec2fc1d, 1f4bade7-562e-4ed9-85a7-9972ed9eed2b
  # *: no resource ARN was recorded for some calls of `ec2:CreateTags`, so `*` is the only sound choice; the catalog lists no resource types for `ec2:DescribeInstances`: it only supports `"Resource": "*"` (from 0 ARNs)
  statement {
    sid    = "Ec2ListTaggingAnyResource"
    effect = "Allow"
    actions = [
      "ec2:CreateTags",
      "ec2:DescribeInstances",
    ]
    resources = ["*"]
  }

  # observed: ec2:TerminateInstances (3 successful calls)
  # events: 9bd818a9-818e-4337-a338-e625fa91d2a3, 9e5f096f-d1ab-48b1-b9a3-29bb345c5d46
  # arn:aws:ec2:eu-west-1:111122223333:instance/i-*: InstanceId: hex ids varied (3 values) → `i-*`; the rest is the same in every call (from 3 ARNs)
  statement {
    sid       = "Ec2WriteI"
    effect    = "Allow"
    actions   = ["ec2:TerminateInstances"]
    resources = ["arn:aws:ec2:eu-west-1:111122223333:instance/i-*"]
  }

  # observed: ec2:RunInstances (3 successful calls)
  # events: 5bc51a9b-ae77-4a3c-a295-c77c08e8765a, 85097ba1-9e1f-4b47-aa50-7d9ff45f3139
  # arn:aws:ec2:eu-west-1:111122223333:instance/*: the catalog says `ec2:RunInstances` also authorizes on the `instance` resource type and the calls recorded none: any `instance` in the account and region of the calls (from 0 ARNs)
  # arn:aws:ec2:eu-west-1:111122223333:network-interface/*: the catalog says `ec2:RunInstances` also authorizes on the `network-interface` resource type and the calls recorded none: any `network-interface` in the account and region of the calls (from 0 ARNs)
  # arn:aws:ec2:eu-west-1:111122223333:security-group/*: the catalog says `ec2:RunInstances` also authorizes on the `security-group` resource type and the calls recorded none: any `security-group` in the account and region of the calls (from 0 ARNs)
  # arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-0c1d2e3f4a5b6c7d8: stable name: used as observed (from 1 ARN)
  # arn:aws:ec2:eu-west-1::image/*: the catalog says `ec2:RunInstances` also authorizes on the `image` resource type and the calls recorded none: any `image` in the account and region of the calls (from 0 ARNs)
  statement {
    sid     = "Ec2WriteInstance"
    effect  = "Allow"
    actions = ["ec2:RunInstances"]
    resources = [
      "arn:aws:ec2:eu-west-1:111122223333:instance/*",
      "arn:aws:ec2:eu-west-1:111122223333:network-interface/*",
      "arn:aws:ec2:eu-west-1:111122223333:security-group/*",
      "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-0c1d2e3f4a5b6c7d8",
      "arn:aws:ec2:eu-west-1::image/*",
    ]
  }

  # observed: iam:PassRole (6 successful calls)
  # events: 422798e8-6835-47b5-aafb-c9d5b79c7c16, 5bc51a9b-ae77-4a3c-a295-c77c08e8765a
  # *: no resource ARN was recorded for some calls of `iam:PassRole`, so `*` is the only sound choice (from 1 ARN)
  # condition: iam:PassedToService = `ec2.amazonaws.com`, `lambda.amazonaws.com`: roles were only passed by calls to ec2.amazonaws.com, lambda.amazonaws.com
  statement {
    sid       = "IamWriteAnyResource"
    effect    = "Allow"
    actions   = ["iam:PassRole"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values = [
        "ec2.amazonaws.com",
        "lambda.amazonaws.com",
      ]
    }
  }

  # observed: lambda:CreateFunction, lambda:DeleteFunction (6 successful calls)
  # events: 422798e8-6835-47b5-aafb-c9d5b79c7c16, 67aa2b78-1578-4a74-a488-a49229b41567, 0f9feb9d-86bc-4e73-8a40-db96322ed89a, 69449536-fa6e-4b66-86e7-539cb01c5f82
  # arn:aws:lambda:eu-west-1:111122223333:function:reports-preview-build-*: FunctionName: numbers varied (3 values) → `reports-preview-build-*`; the rest is the same in every call (from 3 ARNs)
  statement {
    sid    = "LambdaWriteReportsPreviewBuild"
    effect = "Allow"
    actions = [
      "lambda:CreateFunction",
      "lambda:DeleteFunction",
    ]
    resources = ["arn:aws:lambda:eu-west-1:111122223333:function:reports-preview-build-*"]
  }

  # observed: s3:PutObject (7 successful calls)
  # events: 7aaf60ed-6ea5-4ca1-ab8b-5cfcddaa929f, 8cf6022d-50d3-4452-a932-673030dcc7c6
  # arn:aws:s3:::reports-scratch-*/batch/*/part-*.parquet: BucketName: dates varied (3 values) → `reports-scratch-*`; ObjectName segment 2: uuids varied (3 values) → `*`; ObjectName segment 3: numbers varied (3 values) → `part-*.parquet`; the rest is the same in every call (from 7 ARNs)
  statement {
    sid       = "S3WriteReportsScratch"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::reports-scratch-*/batch/*/part-*.parquet"]
  }
}

resource "aws_iam_policy" "reports_batch" {
  name        = "reports-batch-least-privilege"
  description = "Proposed by pare from observed usage of arn:aws:iam::111122223333:role/reports-batch"
  policy      = data.aws_iam_policy_document.reports_batch.json
}
