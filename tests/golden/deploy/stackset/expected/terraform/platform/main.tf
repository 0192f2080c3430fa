# platform: IAM policies, roles and resource policies (written by iamc).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

# Developers: EC2, and their own home in the app's bucket.
resource "aws_iam_policy" "Developer" {
  name   = "Developer"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowEc2DescribeAll",
          "Effect": "Allow",
          "Action": "ec2:Describe*",
          "Resource": "*"
        },
        {
          "Sid": "AllowS3GetObjectEtc",
          "Effect": "Allow",
          "Action": [
            "s3:GetObject",
            "s3:PutObject"
          ],
          "Resource": "arn:${data.aws_partition.current.partition}:s3:::app-${data.aws_caller_identity.current.account_id}/home/$${aws:username}/*"
        },
        {
          "Sid": "AllowS3ListBucket",
          "Effect": "Allow",
          "Action": "s3:ListBucket",
          "Resource": "arn:${data.aws_partition.current.partition}:s3:::app-${data.aws_caller_identity.current.account_id}",
          "Condition": {
            "StringLike": {
              "s3:prefix": "home/$${aws:username}/*"
            }
          }
        },
        {
          "Sid": "AllowEc2CreateTags",
          "Effect": "Allow",
          "Action": "ec2:CreateTags",
          "Resource": "*",
          "Condition": {
            "StringEquals": {
              "aws:RequestTag/note": "100%%{done}"
            }
          }
        }
      ]
    }
  EOT
}

# Where developers' permissions end.
resource "aws_iam_policy" "DeveloperBoundary" {
  name   = "DeveloperBoundary"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowNotIamAllEtc",
          "Effect": "Allow",
          "NotAction": [
            "iam:*",
            "organizations:*"
          ],
          "Resource": "*"
        },
        {
          "Sid": "AllowIamGetRole",
          "Effect": "Allow",
          "Action": "iam:GetRole",
          "Resource": "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/app/*"
        }
      ]
    }
  EOT
}

# Developers of the app, who sign in through the security account.
resource "aws_iam_role" "DeveloperRole" {
  name = "developer"
  path = "/app/"
  description = "Developers of the app, who sign in through the security account."
  max_session_duration = 7200
  permissions_boundary = aws_iam_policy.DeveloperBoundary.arn
  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowStsAssumeRoleEtc",
          "Effect": "Allow",
          "Principal": {
            "AWS": "arn:${data.aws_partition.current.partition}:iam::444455556666:root"
          },
          "Action": [
            "sts:AssumeRole",
            "sts:TagSession"
          ],
          "Condition": {
            "Bool": {
              "aws:MultiFactorAuthPresent": "true"
            }
          }
        }
      ]
    }
  EOT
  tags = {
    "team" = "platform"
    "cost-center" = "1234"
  }
}

resource "aws_iam_role_policy_attachment" "DeveloperRole" {
  for_each = {
    Developer = aws_iam_policy.Developer.arn
  }
  role       = aws_iam_role.DeveloperRole.name
  policy_arn = each.value
}

resource "aws_iam_role_policy" "DeveloperRole" {
  for_each = {
    ReadLogs = <<-EOT
      {
        "Version": "2012-10-17",
        "Statement": [
          {
            "Sid": "AllowLogsGetLogEvents",
            "Effect": "Allow",
            "Action": "logs:GetLogEvents",
            "Resource": "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:log-group:/app/*"
          }
        ]
      }
    EOT
  }
  name   = each.key
  role   = aws_iam_role.DeveloperRole.id
  policy = each.value
}

# Only TLS.
resource "aws_s3_bucket_policy" "AppBucket" {
  bucket = "app-${data.aws_caller_identity.current.account_id}"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DenyS3All",
          "Effect": "Deny",
          "Principal": "*",
          "Action": "s3:*",
          "Resource": [
            "arn:${data.aws_partition.current.partition}:s3:::app-${data.aws_caller_identity.current.account_id}",
            "arn:${data.aws_partition.current.partition}:s3:::app-${data.aws_caller_identity.current.account_id}/*"
          ],
          "Condition": {
            "BoolIfExists": {
              "aws:SecureTransport": "false"
            }
          }
        }
      ]
    }
  EOT
}

resource "aws_sqs_queue_policy" "Jobs" {
  queue_url = "https://sqs.${data.aws_region.current.region}.${data.aws_partition.current.dns_suffix}/${data.aws_caller_identity.current.account_id}/jobs"
  policy    = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowSqsSendMessage",
          "Effect": "Allow",
          "Principal": {
            "Service": "sns.amazonaws.com"
          },
          "Action": "sqs:SendMessage",
          "Resource": "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:jobs",
          "Condition": {
            "ArnEquals": {
              "aws:SourceArn": "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:events"
            }
          }
        }
      ]
    }
  EOT
}

resource "aws_sns_topic_policy" "Events" {
  arn    = "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:events"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowSnsPublish",
          "Effect": "Allow",
          "Principal": {
            "AWS": "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
          },
          "Action": "sns:Publish",
          "Resource": "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:events"
        }
      ]
    }
  EOT
}

# The app's data key.
resource "aws_kms_key" "AppKey" {
  description = "The app's data key."
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowKmsAll",
          "Effect": "Allow",
          "Principal": {
            "AWS": "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
          },
          "Action": "kms:*",
          "Resource": "*"
        }
      ]
    }
  EOT

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_alias" "AppKey" {
  name          = "alias/app"
  target_key_id = aws_kms_key.AppKey.key_id
}
