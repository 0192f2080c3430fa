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
