# iamc: service and resource control policies, for the management account (written by iamc).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

variable "DataPerimeter_targets" {
  description = "The roots, OUs and accounts (ids) the RCP DataPerimeter is attached to"
  type        = list(string)
}

variable "RegionGuardrail_targets" {
  description = "The roots, OUs and accounts (ids) the SCP RegionGuardrail is attached to"
  type        = list(string)
}

variable "BaselineGuardrails_targets" {
  description = "The roots, OUs and accounts (ids) the SCP BaselineGuardrails is attached to"
  type        = list(string)
}

# Data perimeter: only our org's principals reach our S3, KMS, SQS and secrets, over TLS.
resource "aws_organizations_policy" "DataPerimeter" {
  name = "DataPerimeter"
  type = "RESOURCE_CONTROL_POLICY"
  description = "Data perimeter: only our org's principals reach our S3, KMS, SQS and secrets, over TLS."
  content = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "EnforceOrgIdentities",
          "Effect": "Deny",
          "Principal": "*",
          "Action": [
            "s3:*",
            "sqs:*",
            "kms:*",
            "secretsmanager:*",
            "sts:AssumeRole"
          ],
          "Resource": "*",
          "Condition": {
            "BoolIfExists": {
              "aws:PrincipalIsAWSService": "false"
            },
            "StringNotEquals": {
              "aws:PrincipalOrgID": "o-a1b2c3d4e5"
            },
            "StringNotEqualsIfExists": {
              "aws:SourceOrgID": "o-a1b2c3d4e5"
            }
          }
        },
        {
          "Sid": "EnforceTls",
          "Effect": "Deny",
          "Principal": "*",
          "Action": [
            "s3:*",
            "sqs:*",
            "kms:*",
            "secretsmanager:*",
            "sts:*"
          ],
          "Resource": "*",
          "Condition": {
            "BoolIfExists": {
              "aws:SecureTransport": "false"
            }
          }
        },
        {
          "Sid": "EnforceTls12",
          "Effect": "Deny",
          "Principal": "*",
          "Action": "s3:*",
          "Resource": "*",
          "Condition": {
            "NumericLessThan": {
              "s3:TlsVersion": "1.2"
            }
          }
        },
        {
          "Sid": "ConfusedDeputy",
          "Effect": "Deny",
          "Principal": "*",
          "Action": [
            "s3:*",
            "sqs:*",
            "kms:*",
            "secretsmanager:*",
            "sts:*"
          ],
          "Resource": "*",
          "Condition": {
            "Bool": {
              "aws:PrincipalIsAWSService": "true"
            },
            "StringNotEqualsIfExists": {
              "aws:SourceAccount": [
                "111122223333",
                "444455556666"
              ]
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

# Region lock with the usual global-service exceptions, and a break-glass role.
resource "aws_organizations_policy" "RegionGuardrail" {
  name = "RegionGuardrail"
  type = "SERVICE_CONTROL_POLICY"
  description = "Region lock with the usual global-service exceptions, and a break-glass role."
  content = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DenyOutsideApprovedRegions",
          "Effect": "Deny",
          "NotAction": [
            "a4b:*",
            "acm:*",
            "aws-marketplace-management:*",
            "aws-marketplace:*",
            "aws-portal:*",
            "budgets:*",
            "ce:*",
            "chime:*",
            "cloudfront:*",
            "config:*",
            "cur:*",
            "directconnect:*",
            "ec2:DescribeRegions",
            "ec2:DescribeTransitGateways",
            "ec2:DescribeVpnGateways",
            "fms:*",
            "globalaccelerator:*",
            "health:*",
            "iam:*",
            "importexport:*",
            "kms:*",
            "mobileanalytics:*",
            "networkmanager:*",
            "organizations:*",
            "pricing:*",
            "route53:*",
            "route53domains:*",
            "route53-recovery-cluster:*",
            "route53-recovery-control-config:*",
            "route53-recovery-readiness:*",
            "s3:GetAccountPublic*",
            "s3:ListAllMyBuckets",
            "s3:ListMultiRegionAccessPoints",
            "s3:PutAccountPublic*",
            "shield:*",
            "sts:*",
            "support:*",
            "trustedadvisor:*",
            "waf-regional:*",
            "waf:*",
            "wafv2:*",
            "wellarchitected:*"
          ],
          "Resource": "*",
          "Condition": {
            "ArnNotLike": {
              "aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole"
            },
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

resource "aws_organizations_policy_attachment" "RegionGuardrail" {
  for_each  = toset(var.RegionGuardrail_targets)
  policy_id = aws_organizations_policy.RegionGuardrail.id
  target_id = each.value
}

# Root users do nothing; nobody leaves the org or touches the security role.
resource "aws_organizations_policy" "BaselineGuardrails" {
  name = "BaselineGuardrails"
  type = "SERVICE_CONTROL_POLICY"
  description = "Root users do nothing; nobody leaves the org or touches the security role."
  content = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DenyRoot",
          "Effect": "Deny",
          "Action": "*",
          "Resource": "*",
          "Condition": {
            "ArnLike": {
              "aws:PrincipalArn": "arn:aws:iam::*:root"
            }
          }
        },
        {
          "Sid": "DenyLeaveOrg",
          "Effect": "Deny",
          "Action": "organizations:LeaveOrganization",
          "Resource": "*"
        },
        {
          "Sid": "ProtectSecurityRole",
          "Effect": "Deny",
          "Action": [
            "iam:AttachRolePolicy",
            "iam:DeleteRole",
            "iam:DeleteRolePermissionsBoundary",
            "iam:DeleteRolePolicy",
            "iam:DetachRolePolicy",
            "iam:PutRolePermissionsBoundary",
            "iam:PutRolePolicy",
            "iam:UpdateAssumeRolePolicy",
            "iam:UpdateRole",
            "iam:UpdateRoleDescription"
          ],
          "Resource": "arn:aws:iam::*:role/security/*",
          "Condition": {
            "ArnNotLike": {
              "aws:PrincipalArn": "arn:aws:iam::*:role/security/SecurityAdmin"
            }
          }
        },
        {
          "Sid": "DenyDisableGuardDuty",
          "Effect": "Deny",
          "Action": [
            "guardduty:DeleteDetector",
            "guardduty:DisassociateFromMasterAccount",
            "guardduty:UpdateDetector",
            "cloudtrail:StopLogging",
            "cloudtrail:DeleteTrail",
            "config:StopConfigurationRecorder",
            "config:DeleteConfigurationRecorder"
          ],
          "Resource": "*"
        },
        {
          "Sid": "RequireImdsV2",
          "Effect": "Deny",
          "Action": "ec2:RunInstances",
          "Resource": "arn:aws:ec2:*:*:instance/*",
          "Condition": {
            "StringNotEquals": {
              "ec2:MetadataHttpTokens": "required"
            }
          }
        },
        {
          "Sid": "DenyUnencryptedVolumes",
          "Effect": "Deny",
          "Action": "ec2:CreateVolume",
          "Resource": "arn:aws:ec2:*:*:volume/*",
          "Condition": {
            "BoolIfExists": {
              "ec2:Encrypted": "false"
            }
          }
        },
        {
          "Sid": "RequireTeamTag",
          "Effect": "Deny",
          "Action": [
            "ec2:RunInstances",
            "ec2:CreateVolume"
          ],
          "Resource": [
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:*:*:volume/*"
          ],
          "Condition": {
            "Null": {
              "aws:RequestTag/team": "true"
            }
          }
        },
        {
          "Sid": "DenyS3PublicAccessChanges",
          "Effect": "Deny",
          "Action": "s3:PutAccountPublicAccessBlock",
          "Resource": "*",
          "Condition": {
            "ArnNotLike": {
              "aws:PrincipalArn": "arn:aws:iam::*:role/security/*"
            }
          }
        },
        {
          "Sid": "OnlyOrgMaintenanceWindow",
          "Effect": "Deny",
          "Action": [
            "iam:CreateUser",
            "iam:CreateAccessKey"
          ],
          "Resource": "*",
          "Condition": {
            "DateLessThan": {
              "aws:CurrentTime": "2026-01-01T00:00:00Z"
            }
          }
        },
        {
          "Sid": "OnlyOrgMaintenanceWindow2",
          "Effect": "Deny",
          "Action": [
            "iam:CreateUser",
            "iam:CreateAccessKey"
          ],
          "Resource": "*",
          "Condition": {
            "NumericGreaterThan": {
              "aws:EpochTime": "1798761600"
            }
          }
        }
      ]
    }
  EOT
}

resource "aws_organizations_policy_attachment" "BaselineGuardrails" {
  for_each  = toset(var.BaselineGuardrails_targets)
  policy_id = aws_organizations_policy.BaselineGuardrails.id
  target_id = each.value
}
