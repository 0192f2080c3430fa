# app: IAM policies, roles and resource policies (written by iamc).

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

resource "aws_iam_policy" "AppWrite" {
  name   = "AppWrite"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowS3PutObject",
          "Effect": "Allow",
          "Action": "s3:PutObject",
          "Resource": "arn:aws:s3:::app-bucket/*"
        }
      ]
    }
  EOT
}

# Runs the app's functions.
resource "aws_iam_role" "app_runner" {
  description = "Runs the app's functions."
  permissions_boundary = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:policy/Standard"
  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowStsAssumeRole",
          "Effect": "Allow",
          "Principal": {
            "Service": "lambda.amazonaws.com"
          },
          "Action": "sts:AssumeRole"
        }
      ]
    }
  EOT
}

resource "aws_iam_role_policy_attachment" "app_runner" {
  for_each = {
    read_only = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:policy/read_only"
    AppWrite = aws_iam_policy.AppWrite.arn
  }
  role       = aws_iam_role.app_runner.name
  policy_arn = each.value
}
