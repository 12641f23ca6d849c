# pare proposal for arn:aws:iam::111122223333:role/reports-app (strictness balanced): 1216 characters of 6144 (managed)
# declared policies allowed 336 actions; this allows 13 (323 removed, 13 with narrower resources)
# left out: s3:DeleteObject (1 call, denied)
# left out: secretsmanager:GetSecretValue (1 call, denied)
data "aws_iam_policy_document" "reports_app" {
  # observed: dynamodb:GetItem, dynamodb:PutItem, dynamodb:Query, dynamodb:UpdateItem (56 successful calls)
  # events: 040185fd-62ae-4eb2-a1f5-31126179a121, 077f9889-9182-426d-ab8a-0965f372b30a, 0d008182-479f-4cc8-bbb6-f5ac84a2264a, 0e0e45b3-cdc1-4eb2-81ee-83578d22f408, 1d8b8697-68a7-4266-afaa-5ff7db1187ba
  # arn:aws:dynamodb:eu-west-1:111122223333:table/reports-index: stable name: used as observed (from 1 ARN)
  statement {
    sid    = "DynamodbReadWriteReportsIndex"
    effect = "Allow"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]
    resources = ["arn:aws:dynamodb:eu-west-1:111122223333:table/reports-index"]
  }

  # observed: kms:Decrypt, kms:GenerateDataKey (50 successful calls)
  # events: 0c0ce716-b2c3-4c5a-8d96-5b68a44c5b38, 0e9207be-6a27-4da7-bc64-c3de6f40add3, 03394e14-5f05-42ed-9f16-e86ab17d594c, 0f1cc931-91d5-4463-a8cc-2d34e936046a
  # arn:aws:kms:eu-west-1:111122223333:key/6f1c2a9e-3b7d-4e58-9a41-2c8d5f7e0b13: stable name: used as observed (from 1 ARN)
  statement {
    sid    = "KmsWriteKey"
    effect = "Allow"
    actions = [
      "kms:Decrypt",
      "kms:GenerateDataKey",
    ]
    resources = ["arn:aws:kms:eu-west-1:111122223333:key/6f1c2a9e-3b7d-4e58-9a41-2c8d5f7e0b13"]
  }

  # observed: lambda:InvokeFunction (25 successful calls)
  # events: 03bd87e2-79d5-4b14-9421-3fd56020d993, 06ffb5a7-1a77-4b4c-ab7c-5640128c2fa9
  # arn:aws:lambda:eu-west-1:111122223333:function:reports-render: stable name: used as observed (from 1 ARN)
  statement {
    sid       = "LambdaWriteReportsRender"
    effect    = "Allow"
    actions   = ["lambda:InvokeFunction"]
    resources = ["arn:aws:lambda:eu-west-1:111122223333:function:reports-render"]
  }

  # observed: s3:ListBucket (3 successful calls)
  # events: 1e4c889a-bd60-43ef-8d4e-cd8d92f96ce4, ae892478-2fe5-41f7-b09b-9255ff03f29f
  # arn:aws:s3:::reports-output: stable name: used as observed (from 1 ARN)
  statement {
    sid       = "S3ListReportsOutput"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::reports-output"]
  }

  # observed: s3:GetObject (34 successful calls)
  # events: 07558726-7226-4b58-90d6-8e084780a7d3, 186b049b-588a-44e7-8fbd-de08604018b0
  # arn:aws:s3:::reports-input/config/*.json: ObjectName segment 2: 3 names share `*.json` → `*.json`; the rest is the same in every call (from 3 ARNs)
  # arn:aws:s3:::reports-input/incoming/*/*.csv: ObjectName segment 2: dates varied (3 values) → `*`; ObjectName segment 3: uuids varied (25 values) → `*.csv`; the rest is the same in every call (from 25 ARNs)
  statement {
    sid     = "S3ReadReportsInput"
    effect  = "Allow"
    actions = ["s3:GetObject"]
    resources = [
      "arn:aws:s3:::reports-input/config/*.json",
      "arn:aws:s3:::reports-input/incoming/*/*.csv",
    ]
  }

  # observed: s3:PutObject (25 successful calls)
  # events: 2552c558-bb4d-40f4-ad50-d014207e534d, 265cdb1b-472a-49aa-a81e-4a7bb9b5fda9
  # arn:aws:s3:::reports-output/reports/2026/11/*/*.json: ObjectName segment 4: numbers varied (3 values) → `*`; ObjectName segment 5: uuids varied (25 values) → `*.json`; the rest is the same in every call (from 25 ARNs)
  statement {
    sid       = "S3WriteReportsOutput"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::reports-output/reports/2026/11/*/*.json"]
  }

  # observed: sqs:DeleteMessage, sqs:ReceiveMessage, sqs:SendMessage (42 successful calls)
  # events: 0936a71c-b3bd-47bc-ae05-fda9a43ac8b1, 12c488ab-2f5d-4e0f-becc-c132612073b2, 0a8dced6-1bac-4b52-9d1e-caf0db3461ec, 25640e5b-aad1-4bb6-a660-db1a86b53892, 6c39c908-fe41-4f41-90a6-906338cf1606
  # arn:aws:sqs:eu-west-1:111122223333:reports-jobs: stable name: used as observed (from 1 ARN)
  statement {
    sid    = "SqsReadWriteReportsJobs"
    effect = "Allow"
    actions = [
      "sqs:DeleteMessage",
      "sqs:ReceiveMessage",
      "sqs:SendMessage",
    ]
    resources = ["arn:aws:sqs:eu-west-1:111122223333:reports-jobs"]
  }
}

resource "aws_iam_policy" "reports_app" {
  name        = "reports-app-least-privilege"
  description = "Proposed by pare from observed usage of arn:aws:iam::111122223333:role/reports-app"
  policy      = data.aws_iam_policy_document.reports_app.json
}
