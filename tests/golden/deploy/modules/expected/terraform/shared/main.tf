# shared: IAM policies, roles and resource policies (written by iamc).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

# Nothing in IAM.
resource "aws_iam_policy" "Standard" {
  name   = "Standard"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowNotIamAll",
          "Effect": "Allow",
          "NotAction": "iam:*",
          "Resource": "*"
        }
      ]
    }
  EOT
}

resource "aws_iam_policy" "read_only" {
  name   = "read_only"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowS3GetObjectEtc",
          "Effect": "Allow",
          "Action": [
            "s3:GetObject",
            "s3:ListBucket"
          ],
          "Resource": "*"
        }
      ]
    }
  EOT
}
