# seeds: IAM policies, roles and resource policies (written by iamc).

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

# Whitelist: production operators read the queues and topics, action by action (a closed
# world: an action AWS adds later is not granted until the policy is rebuilt).
resource "aws_iam_policy" "ProductionReader" {
  name   = "ProductionReader"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowSqsGetQueueAttributesEtc",
          "Effect": "Allow",
          "Action": [
            "sqs:GetQueueAttributes",
            "sqs:GetQueueUrl",
            "sqs:ListDeadLetterSourceQueues",
            "sqs:ListMessageMoveTasks",
            "sqs:ListQueues",
            "sqs:ListQueueTags",
            "sqs:ReceiveMessage",
            "sns:CheckIfPhoneNumberIsOptedOut",
            "sns:GetDataProtectionPolicy",
            "sns:GetEndpointAttributes",
            "sns:GetPlatformApplicationAttributes",
            "sns:GetSMSAttributes",
            "sns:GetSMSSandboxAccountStatus",
            "sns:GetSubscriptionAttributes",
            "sns:GetTopicAttributes",
            "sns:ListEndpointsByPlatformApplication",
            "sns:ListOriginationNumbers",
            "sns:ListPhoneNumbersOptedOut",
            "sns:ListPlatformApplications",
            "sns:ListSMSSandboxPhoneNumbers",
            "sns:ListSubscriptions",
            "sns:ListSubscriptionsByTopic",
            "sns:ListTagsForResource",
            "sns:ListTopics"
          ],
          "Resource": "*"
        }
      ]
    }
  EOT
}

# The same reads as wildcards, for comparison (an open world).
resource "aws_iam_policy" "ProductionReaderCompact" {
  name   = "ProductionReaderCompact"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowSqsGetAllEtc",
          "Effect": "Allow",
          "Action": [
            "sqs:Get*",
            "sqs:List*",
            "sqs:Receive*",
            "sns:Check*",
            "sns:Get*",
            "sns:List*"
          ],
          "Resource": "*"
        }
      ]
    }
  EOT
}

# Blacklist: explorers may do everything but IAM and Organizations, including what AWS
# launches tomorrow (the notes: "AWS に新しいサービスが始まると、予期せぬ機能が突然使える
# ようになる").
resource "aws_iam_policy" "Explorer" {
  name   = "Explorer"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowAllActions",
          "Effect": "Allow",
          "Action": "*",
          "Resource": "*"
        },
        {
          "Sid": "DenyIamAllEtc",
          "Effect": "Deny",
          "Action": [
            "iam:*",
            "organizations:*"
          ],
          "Resource": "*"
        }
      ]
    }
  EOT
}

# Hybrid: a broad grant, and the network and sharing operations that would expose an
# instance or a bucket to the internet taken away (the notes: "インターネット公開系の
# 権限は、ネットワーク系の操作を明示的に拒否する方法と併用するといい").
resource "aws_iam_policy" "Builder" {
  name   = "Builder"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowEc2AllEtc",
          "Effect": "Allow",
          "Action": [
            "ec2:*",
            "s3:*",
            "lambda:*",
            "dynamodb:*",
            "cloudwatch:*",
            "logs:*"
          ],
          "Resource": "*"
        },
        {
          "Sid": "DenyEc2AuthorizeSecurityGroupIngressEtc",
          "Effect": "Deny",
          "Action": [
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:CreateInternetGateway",
            "ec2:AttachInternetGateway",
            "ec2:AssociateAddress",
            "s3:PutBucketPolicy",
            "s3:PutBucketAcl",
            "s3:PutBucketPublicAccessBlock"
          ],
          "Resource": "*"
        }
      ]
    }
  EOT
}

# A user without MFA may set up their own virtual MFA device and change their password,
# and nothing else (the MFA self-service policy of the notes: their own device, by
# `${aws:username}`, and without MFA only what it takes to set MFA up).
resource "aws_iam_policy" "MfaSelfService" {
  name   = "MfaSelfService"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowIamListVirtualMFADevices",
          "Effect": "Allow",
          "Action": "iam:ListVirtualMFADevices",
          "Resource": "*"
        },
        {
          "Sid": "AllowIamCreateVirtualMFADeviceEtc",
          "Effect": "Allow",
          "Action": [
            "iam:CreateVirtualMFADevice",
            "iam:DeleteVirtualMFADevice"
          ],
          "Resource": "arn:${data.aws_partition.current.partition}:iam::*:mfa/$${aws:username}"
        },
        {
          "Sid": "AllowIamDeactivateMFADeviceEtc",
          "Effect": "Allow",
          "Action": [
            "iam:DeactivateMFADevice",
            "iam:EnableMFADevice",
            "iam:GetUser",
            "iam:ListMFADevices",
            "iam:ResyncMFADevice"
          ],
          "Resource": "arn:${data.aws_partition.current.partition}:iam::*:user/$${aws:username}"
        },
        {
          "Sid": "DenyNotIamCreateVirtualMFADeviceEtc",
          "Effect": "Deny",
          "NotAction": [
            "iam:CreateVirtualMFADevice",
            "iam:EnableMFADevice",
            "iam:GetUser",
            "iam:ListMFADevices",
            "iam:ListVirtualMFADevices",
            "iam:ResyncMFADevice",
            "iam:ChangePassword",
            "iam:GetAccountPasswordPolicy"
          ],
          "Resource": "*",
          "Condition": {
            "BoolIfExists": {
              "aws:MultiFactorAuthPresent": "false"
            }
          }
        }
      ]
    }
  EOT
}

# Everything, but without MFA nothing except getting an MFA session
# (`aws sts get-session-token --serial-number ... --token-code ...`).
resource "aws_iam_policy" "RequireMfaSession" {
  name   = "RequireMfaSession"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowAllActions",
          "Effect": "Allow",
          "Action": "*",
          "Resource": "*"
        },
        {
          "Sid": "DenyNotStsGetSessionToken",
          "Effect": "Deny",
          "NotAction": "sts:GetSessionToken",
          "Resource": "*",
          "Condition": {
            "BoolIfExists": {
              "aws:MultiFactorAuthPresent": "false",
              "aws:ViaAWSService": "false"
            }
          }
        }
      ]
    }
  EOT
}

# Pass the account's roles to EC2 instances, and list instance profiles so the console
# can show them. (The notes' policy names `instance-profile/*` for
# `iam:ListInstanceProfiles`, which has no resource type: that statement never applies.)
resource "aws_iam_policy" "PassRoleToEC2" {
  name   = "PassRoleToEC2"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowIamPassRole",
          "Effect": "Allow",
          "Action": "iam:PassRole",
          "Resource": "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/*",
          "Condition": {
            "StringEquals": {
              "iam:PassedToService": "ec2.amazonaws.com"
            }
          }
        },
        {
          "Sid": "AllowIamListInstanceProfiles",
          "Effect": "Allow",
          "Action": "iam:ListInstanceProfiles",
          "Resource": "*"
        }
      ]
    }
  EOT
}

# Everything, for the administrators of member accounts.
resource "aws_iam_policy" "Administrator" {
  name   = "Administrator"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowAllActions",
          "Effect": "Allow",
          "Action": "*",
          "Resource": "*"
        }
      ]
    }
  EOT
}

# Everything but S3.
resource "aws_iam_policy" "NoS3Boundary" {
  name   = "NoS3Boundary"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowNotS3All",
          "Effect": "Allow",
          "NotAction": "s3:*",
          "Resource": "*"
        }
      ]
    }
  EOT
}

# What test20220710 may do, S3 included; the boundary takes S3 away again.
resource "aws_iam_policy" "DeveloperAccess" {
  name   = "DeveloperAccess"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowS3AllEtc",
          "Effect": "Allow",
          "Action": [
            "s3:*",
            "ec2:*",
            "cloudwatch:*"
          ],
          "Resource": "*"
        }
      ]
    }
  EOT
}

# The role of the notes' `aws sts assume-role --role-arn ...:role/myrole20220712
# --external-id ... --serial-number ...`: it passes the account's roles to EC2, and its
# boundary keeps it out of S3.
resource "aws_iam_role" "MfaRole" {
  name = "myrole20220712"
  path = "/"
  description = "The role of the notes' `aws sts assume-role --role-arn ...:role/myrole20220712 --external-id ... --serial-number ...`: it passes the account's roles to EC2, and its boundary keeps it out of S3."
  permissions_boundary = aws_iam_policy.NoS3Boundary.arn
  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowStsAssumeRole",
          "Effect": "Allow",
          "Principal": {
            "AWS": "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
          },
          "Action": "sts:AssumeRole",
          "Condition": {
            "Bool": {
              "aws:MultiFactorAuthPresent": "true"
            },
            "StringEquals": {
              "sts:ExternalId": "testtest"
            }
          }
        }
      ]
    }
  EOT
}

resource "aws_iam_role_policy_attachment" "MfaRole" {
  for_each = {
    PassRoleToEC2 = aws_iam_policy.PassRoleToEC2.arn
  }
  role       = aws_iam_role.MfaRole.name
  policy_arn = each.value
}

# The execution role itself: StackSets deploys with administrator permissions, within
# the sandbox's SCPs.
resource "aws_iam_role" "StackSetExecutionRole" {
  name = "AWSCloudFormationStackSetExecutionRole"
  path = "/"
  description = "The execution role itself: StackSets deploys with administrator permissions, within the sandbox's SCPs."
  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowStsAssumeRole",
          "Effect": "Allow",
          "Principal": {
            "AWS": "arn:${data.aws_partition.current.partition}:iam::111122223333:role/AWSCloudFormationStackSetAdministrationRole"
          },
          "Action": "sts:AssumeRole"
        }
      ]
    }
  EOT
}

resource "aws_iam_role_policy_attachment" "StackSetExecutionRole" {
  for_each = {
    Administrator = aws_iam_policy.Administrator.arn
  }
  role       = aws_iam_role.StackSetExecutionRole.name
  policy_arn = each.value
}

# The bucket policy naming the user: within one account it grants access even though
# the user's boundary has no S3.
resource "aws_s3_bucket_policy" "MyTestBucketPolicy" {
  bucket = "mytest20220710"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowAllActions",
          "Effect": "Allow",
          "Principal": {
            "AWS": "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:user/test20220710"
          },
          "Action": "*",
          "Resource": [
            "arn:${data.aws_partition.current.partition}:s3:::mytest20220710",
            "arn:${data.aws_partition.current.partition}:s3:::mytest20220710/*"
          ]
        }
      ]
    }
  EOT
}
