# platform: service and resource control policies, for the management account (written by iamc).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

variable "Guardrails_targets" {
  description = "The roots, OUs and accounts (ids) the SCP Guardrails is attached to"
  type        = list(string)
}

variable "DataPerimeter_targets" {
  description = "The roots, OUs and accounts (ids) the RCP DataPerimeter is attached to"
  type        = list(string)
}

# No member account leaves the organization or stops CloudTrail.
resource "aws_organizations_policy" "Guardrails" {
  name = "Guardrails"
  type = "SERVICE_CONTROL_POLICY"
  description = "No member account leaves the organization or stops CloudTrail."
  content = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DenyOrganizationsLeaveOrganization",
          "Effect": "Deny",
          "Action": "organizations:LeaveOrganization",
          "Resource": "*"
        },
        {
          "Sid": "DenyCloudtrailStopLoggingEtc",
          "Effect": "Deny",
          "Action": [
            "cloudtrail:StopLogging",
            "cloudtrail:DeleteTrail"
          ],
          "Resource": "*"
        }
      ]
    }
  EOT
}

resource "aws_organizations_policy_attachment" "Guardrails" {
  for_each  = toset(var.Guardrails_targets)
  policy_id = aws_organizations_policy.Guardrails.id
  target_id = each.value
}

# Data stays inside the organization.
resource "aws_organizations_policy" "DataPerimeter" {
  name = "DataPerimeter"
  type = "RESOURCE_CONTROL_POLICY"
  description = "Data stays inside the organization."
  content = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DenyS3AllEtc",
          "Effect": "Deny",
          "Principal": "*",
          "Action": [
            "s3:*",
            "sqs:*"
          ],
          "Resource": "*",
          "Condition": {
            "BoolIfExists": {
              "aws:PrincipalIsAWSService": "false"
            },
            "StringNotEquals": {
              "aws:PrincipalOrgID": "o-a1b2c3d4e5"
            }
          }
        }
      ]
    }
  EOT
}

resource "aws_organizations_policy_attachment" "DataPerimeter" {
  for_each  = toset(var.DataPerimeter_targets)
  policy_id = aws_organizations_policy.DataPerimeter.id
  target_id = each.value
}
