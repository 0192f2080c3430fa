# app: service and resource control policies, for the management account (written by iamc).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

variable "deny_regions_targets" {
  description = "The roots, OUs and accounts (ids) the SCP deny_regions is attached to"
  type        = list(string)
}

# Regions outside Europe are closed.
resource "aws_organizations_policy" "deny_regions" {
  name = "deny_regions"
  type = "SERVICE_CONTROL_POLICY"
  description = "Regions outside Europe are closed."
  content = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DenyEc2All",
          "Effect": "Deny",
          "Action": "ec2:*",
          "Resource": "*",
          "Condition": {
            "StringNotEquals": {
              "aws:RequestedRegion": [
                "eu-west-1",
                "eu-central-1"
              ]
            }
          }
        }
      ]
    }
  EOT
}

resource "aws_organizations_policy_attachment" "deny_regions" {
  for_each  = toset(var.deny_regions_targets)
  policy_id = aws_organizations_policy.deny_regions.id
  target_id = each.value
}
