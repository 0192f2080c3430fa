# seeds: service and resource control policies, for the management account (written by iamc).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

variable "DenyLeaveOrganization_targets" {
  description = "The roots, OUs and accounts (ids) the SCP DenyLeaveOrganization is attached to"
  type        = list(string)
}

variable "SandboxGuardrails_targets" {
  description = "The roots, OUs and accounts (ids) the SCP SandboxGuardrails is attached to"
  type        = list(string)
}

data "aws_partition" "current" {}

# Member accounts may not leave the organization.
resource "aws_organizations_policy" "DenyLeaveOrganization" {
  name = "DenyLeaveOrganization"
  type = "SERVICE_CONTROL_POLICY"
  description = "Member accounts may not leave the organization."
  content = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DenyOrganizationsLeaveOrganization",
          "Effect": "Deny",
          "Action": "organizations:LeaveOrganization",
          "Resource": "*"
        }
      ]
    }
  EOT
}

resource "aws_organizations_policy_attachment" "DenyLeaveOrganization" {
  for_each  = toset(var.DenyLeaveOrganization_targets)
  policy_id = aws_organizations_policy.DenyLeaveOrganization.id
  target_id = each.value
}

# The sandbox's guardrails.
resource "aws_organizations_policy" "SandboxGuardrails" {
  name = "SandboxGuardrails"
  type = "SERVICE_CONTROL_POLICY"
  description = "The sandbox's guardrails."
  content = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DenyIamCreateUserEtc",
          "Effect": "Deny",
          "Action": [
            "iam:CreateUser",
            "iam:CreateAccessKey"
          ],
          "Resource": "*"
        },
        {
          "Sid": "DenyS3PutAccountPublicAccessBlockEtc",
          "Effect": "Deny",
          "Action": [
            "s3:PutAccountPublicAccessBlock",
            "s3:PutBucketPublicAccessBlock"
          ],
          "Resource": "*"
        },
        {
          "Sid": "DenyCloudtrailStopLoggingEtc",
          "Effect": "Deny",
          "Action": [
            "cloudtrail:StopLogging",
            "cloudtrail:DeleteTrail",
            "cloudtrail:UpdateTrail",
            "cloudtrail:PutEventSelectors",
            "cloudtrail:PutInsightSelectors",
            "cloudtrail:DeleteEventDataStore",
            "cloudtrail:StopEventDataStoreIngestion",
            "cloudtrail:UpdateEventDataStore"
          ],
          "Resource": "*",
          "Condition": {
            "ArnNotLike": {
              "aws:PrincipalArn": "arn:${data.aws_partition.current.partition}:iam::*:role/OrganizationAccountAccessRole"
            }
          }
        }
      ]
    }
  EOT
}

resource "aws_organizations_policy_attachment" "SandboxGuardrails" {
  for_each  = toset(var.SandboxGuardrails_targets)
  policy_id = aws_organizations_policy.SandboxGuardrails.id
  target_id = each.value
}
