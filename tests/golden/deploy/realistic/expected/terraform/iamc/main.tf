# iamc: IAM policies, roles and resource policies (written by iamc).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

# Operators start/stop tagged instances in two regions and manage their volumes.
resource "aws_iam_policy" "Ec2Operator" {
  name   = "Ec2Operator"
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
          "Sid": "StartStopTeamInstances",
          "Effect": "Allow",
          "Action": [
            "ec2:StartInstances",
            "ec2:StopInstances",
            "ec2:RebootInstances"
          ],
          "Resource": "arn:aws:ec2:*:111122223333:instance/*",
          "Condition": {
            "StringEquals": {
              "aws:ResourceTag/team": "$${aws:PrincipalTag/team}",
              "ec2:Region": [
                "eu-west-1",
                "eu-central-1"
              ]
            }
          }
        },
        {
          "Sid": "Volumes",
          "Effect": "Allow",
          "Action": [
            "ec2:AttachVolume",
            "ec2:DetachVolume"
          ],
          "Resource": [
            "arn:aws:ec2:eu-west-1:111122223333:instance/*",
            "arn:aws:ec2:eu-west-1:111122223333:volume/vol-*"
          ],
          "Condition": {
            "StringEquals": {
              "ec2:ResourceTag/team": "$${aws:PrincipalTag/team}"
            }
          }
        },
        {
          "Sid": "CreateVolumeTagged",
          "Effect": "Allow",
          "Action": "ec2:CreateVolume",
          "Resource": "arn:aws:ec2:eu-west-1:111122223333:volume/*",
          "Condition": {
            "ForAllValues:StringEquals": {
              "aws:TagKeys": [
                "team",
                "Name",
                "cost-center"
              ]
            },
            "Null": {
              "aws:TagKeys": "false"
            },
            "StringEquals": {
              "aws:RequestTag/team": "$${aws:PrincipalTag/team}"
            }
          }
        },
        {
          "Sid": "TagOnCreate",
          "Effect": "Allow",
          "Action": "ec2:CreateTags",
          "Resource": "arn:aws:ec2:eu-west-1:111122223333:volume/*",
          "Condition": {
            "StringEquals": {
              "ec2:CreateAction": "CreateVolume"
            }
          }
        },
        {
          "Sid": "SecurityGroupRules",
          "Effect": "Allow",
          "Action": [
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:RevokeSecurityGroupIngress"
          ],
          "Resource": "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0",
          "Condition": {
            "StringEquals": {
              "aws:RequestedRegion": "eu-west-1"
            }
          }
        },
        {
          "Sid": "RunInstancesFromApprovedAmis",
          "Effect": "Allow",
          "Action": "ec2:RunInstances",
          "Resource": "arn:aws:ec2:eu-west-1::image/ami-*",
          "Condition": {
            "StringEquals": {
              "ec2:Owner": "amazon"
            }
          }
        },
        {
          "Sid": "RunInstancesOther",
          "Effect": "Allow",
          "Action": "ec2:RunInstances",
          "Resource": [
            "arn:aws:ec2:eu-west-1:111122223333:instance/*",
            "arn:aws:ec2:eu-west-1:111122223333:network-interface/*",
            "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-0abc",
            "arn:aws:ec2:eu-west-1:111122223333:security-group/*",
            "arn:aws:ec2:eu-west-1:111122223333:volume/*",
            "arn:aws:ec2:eu-west-1:111122223333:key-pair/*"
          ],
          "Condition": {
            "StringEquals": {
              "ec2:InstanceType": [
                "t3.micro",
                "t3.small",
                "m6i.large"
              ]
            },
            "StringEqualsIfExists": {
              "ec2:MetadataHttpTokens": "required"
            }
          }
        }
      ]
    }
  EOT
}

# Users manage their own credentials; MFA required for everything else.
resource "aws_iam_policy" "SelfService" {
  name   = "SelfService"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "OwnUser",
          "Effect": "Allow",
          "Action": [
            "iam:ChangePassword",
            "iam:GetUser",
            "iam:CreateAccessKey",
            "iam:DeleteAccessKey",
            "iam:ListAccessKeys",
            "iam:UpdateAccessKey",
            "iam:ListMFADevices",
            "iam:EnableMFADevice",
            "iam:ResyncMFADevice",
            "iam:ListSSHPublicKeys",
            "iam:UploadSSHPublicKey"
          ],
          "Resource": "arn:aws:iam::111122223333:user/$${aws:username}"
        },
        {
          "Sid": "OwnMfaDevice",
          "Effect": "Allow",
          "Action": [
            "iam:CreateVirtualMFADevice",
            "iam:DeleteVirtualMFADevice"
          ],
          "Resource": "arn:aws:iam::111122223333:mfa/$${aws:username}"
        },
        {
          "Sid": "AllowIamListVirtualMFADevicesEtc",
          "Effect": "Allow",
          "Action": [
            "iam:ListVirtualMFADevices",
            "iam:GetAccountPasswordPolicy"
          ],
          "Resource": "*"
        },
        {
          "Sid": "DenyWithoutMfa",
          "Effect": "Deny",
          "NotAction": [
            "iam:ChangePassword",
            "iam:GetUser",
            "iam:CreateVirtualMFADevice",
            "iam:EnableMFADevice",
            "iam:ListMFADevices",
            "iam:ListVirtualMFADevices",
            "iam:ResyncMFADevice",
            "sts:GetSessionToken"
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

# Team admins create roles under their path, always with the boundary.
resource "aws_iam_policy" "TeamRoleAdmin" {
  name   = "TeamRoleAdmin"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "CreateBoundedRoles",
          "Effect": "Allow",
          "Action": [
            "iam:CreateRole",
            "iam:PutRolePermissionsBoundary"
          ],
          "Resource": "arn:aws:iam::111122223333:role/teams/payments/*",
          "Condition": {
            "ArnEquals": {
              "iam:PermissionsBoundary": "arn:aws:iam::111122223333:policy/boundaries/PaymentsBoundary"
            }
          }
        },
        {
          "Sid": "AttachApprovedPolicies",
          "Effect": "Allow",
          "Action": [
            "iam:AttachRolePolicy",
            "iam:DetachRolePolicy"
          ],
          "Resource": "arn:aws:iam::111122223333:role/teams/payments/*",
          "Condition": {
            "ArnEquals": {
              "iam:PolicyARN": [
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                "arn:aws:iam::111122223333:policy/teams/payments/*"
              ]
            }
          }
        },
        {
          "Sid": "ManageTeamRoles",
          "Effect": "Allow",
          "Action": [
            "iam:GetRole",
            "iam:DeleteRole",
            "iam:TagRole",
            "iam:UntagRole",
            "iam:UpdateAssumeRolePolicy"
          ],
          "Resource": "arn:aws:iam::111122223333:role/teams/payments/*"
        },
        {
          "Sid": "InstanceProfiles",
          "Effect": "Allow",
          "Action": [
            "iam:CreateInstanceProfile",
            "iam:AddRoleToInstanceProfile"
          ],
          "Resource": "arn:aws:iam::111122223333:instance-profile/teams/payments/*"
        },
        {
          "Sid": "PassTeamRoles",
          "Effect": "Allow",
          "Action": "iam:PassRole",
          "Resource": "arn:aws:iam::111122223333:role/teams/payments/*",
          "Condition": {
            "StringEquals": {
              "iam:PassedToService": [
                "ec2.amazonaws.com",
                "ecs-tasks.amazonaws.com",
                "lambda.amazonaws.com"
              ]
            }
          }
        },
        {
          "Sid": "NoBoundaryRemoval",
          "Effect": "Deny",
          "Action": "iam:DeleteRolePermissionsBoundary",
          "Resource": "*"
        },
        {
          "Sid": "TagRolesForTeam",
          "Effect": "Allow",
          "Action": "iam:TagRole",
          "Resource": "arn:aws:iam::111122223333:role/teams/payments/*",
          "Condition": {
            "ForAllValues:StringEquals": {
              "aws:TagKeys": [
                "team",
                "owner"
              ]
            },
            "Null": {
              "aws:TagKeys": "false"
            },
            "StringEquals": {
              "aws:RequestTag/team": "payments"
            }
          }
        },
        {
          "Sid": "ReadOrgGroups",
          "Effect": "Allow",
          "Action": [
            "iam:GetGroup",
            "iam:ListGroupsForUser"
          ],
          "Resource": [
            "arn:aws:iam::111122223333:group/engineering/*",
            "arn:aws:iam::111122223333:user/engineering/*"
          ]
        },
        {
          "Sid": "ServiceLinked",
          "Effect": "Allow",
          "Action": "iam:CreateServiceLinkedRole",
          "Resource": "arn:aws:iam::*:role/aws-service-role/*",
          "Condition": {
            "StringEquals": {
              "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"
            }
          }
        }
      ]
    }
  EOT
}

# Boundary for roles the payments team creates.
resource "aws_iam_policy" "PaymentsBoundary" {
  name   = "PaymentsBoundary"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowS3AllEtc",
          "Effect": "Allow",
          "Action": [
            "s3:*",
            "dynamodb:*",
            "sqs:*",
            "sns:*",
            "logs:*",
            "cloudwatch:*",
            "xray:*"
          ],
          "Resource": "*",
          "Condition": {
            "StringEquals": {
              "aws:RequestedRegion": "eu-west-1"
            }
          }
        },
        {
          "Sid": "DenyIamAllEtc",
          "Effect": "Deny",
          "Action": [
            "iam:*",
            "organizations:*",
            "account:*"
          ],
          "Resource": "*"
        },
        {
          "Sid": "DenyS3All",
          "Effect": "Deny",
          "Action": "s3:*",
          "Resource": [
            "arn:aws:s3:::acme-security-*",
            "arn:aws:s3:::acme-security-*/*"
          ]
        }
      ]
    }
  EOT
}

# Network perimeter for human users: corporate ranges (IPv4 and IPv6) or our VPC
# endpoints, unless a service calls on their behalf (Athena, CloudFormation).
resource "aws_iam_policy" "CorporateNetworkOnly" {
  name   = "CorporateNetworkOnly"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DenyOutsideCorporateNetwork",
          "Effect": "Deny",
          "Action": "*",
          "Resource": "*",
          "Condition": {
            "BoolIfExists": {
              "aws:ViaAWSService": "false"
            },
            "ForAllValues:StringNotEquals": {
              "aws:CalledVia": [
                "athena.amazonaws.com",
                "cloudformation.amazonaws.com"
              ]
            },
            "NotIpAddress": {
              "aws:SourceIp": [
                "203.0.113.0/24",
                "198.51.100.0/24",
                "2001:db8:1234::/48"
              ]
            },
            "StringNotEqualsIfExists": {
              "aws:SourceVpce": [
                "vpce-0a1b2c3d4e5f67890",
                "vpce-0f1e2d3c4b5a69870"
              ]
            }
          }
        },
        {
          "Sid": "AthenaQueries",
          "Effect": "Allow",
          "Action": [
            "athena:StartQueryExecution",
            "athena:GetQueryExecution",
            "athena:GetQueryResults"
          ],
          "Resource": "arn:aws:athena:eu-west-1:111122223333:workgroup/analysts"
        },
        {
          "Sid": "AthenaReadsDataViaAthenaOnly",
          "Effect": "Allow",
          "Action": [
            "s3:GetObject",
            "s3:ListBucket"
          ],
          "Resource": [
            "arn:aws:s3:::acme-athena-data",
            "arn:aws:s3:::acme-athena-data/*"
          ],
          "Condition": {
            "ForAnyValue:StringEquals": {
              "aws:CalledVia": "athena.amazonaws.com"
            }
          }
        },
        {
          "Sid": "GlueCatalog",
          "Effect": "Allow",
          "Action": [
            "glue:GetTable",
            "glue:GetDatabase",
            "glue:GetPartitions"
          ],
          "Resource": [
            "arn:aws:glue:eu-west-1:111122223333:catalog",
            "arn:aws:glue:eu-west-1:111122223333:database/analytics",
            "arn:aws:glue:eu-west-1:111122223333:table/analytics/*"
          ]
        },
        {
          "Sid": "TemporaryAccessWindow",
          "Effect": "Allow",
          "Action": "s3:PutObject",
          "Resource": "arn:aws:s3:::acme-athena-data/uploads/*",
          "Condition": {
            "Bool": {
              "aws:SecureTransport": "true"
            },
            "DateGreaterThanEquals": {
              "aws:CurrentTime": "2026-03-01T00:00:00Z"
            },
            "DateLessThan": {
              "aws:CurrentTime": "2026-04-01T00:00:00Z"
            }
          }
        },
        {
          "Sid": "RegionalEc2",
          "Effect": "Allow",
          "Action": [
            "ec2:RunInstances",
            "ec2:CreateTags"
          ],
          "Resource": "arn:aws:ec2:*:111122223333:instance/*",
          "Condition": {
            "StringEquals": {
              "aws:RequestedRegion": "eu-west-1",
              "ec2:Region": "eu-west-1"
            }
          }
        },
        {
          "Sid": "EpochGuard",
          "Effect": "Deny",
          "Action": "s3:DeleteObject",
          "Resource": "arn:aws:s3:::acme-athena-data/*",
          "Condition": {
            "NumericLessThan": {
              "aws:EpochTime": "1798761600"
            }
          }
        },
        {
          "Sid": "EpochGuard2",
          "Effect": "Deny",
          "Action": "s3:DeleteObject",
          "Resource": "arn:aws:s3:::acme-athena-data/*",
          "Condition": {
            "Bool": {
              "aws:SecureTransport": "false"
            }
          }
        }
      ]
    }
  EOT
}

# The orders service: its table and indexes, its key, its queue and topic.
resource "aws_iam_policy" "OrdersService" {
  name   = "OrdersService"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "OrdersTable",
          "Effect": "Allow",
          "Action": [
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:Query",
            "dynamodb:BatchGetItem"
          ],
          "Resource": [
            "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
            "arn:aws:dynamodb:eu-west-1:111122223333:table/orders/index/*"
          ],
          "Condition": {
            "ForAnyValue:StringLike": {
              "dynamodb:LeadingKeys": "$${aws:PrincipalTag/tenant}#*"
            }
          }
        },
        {
          "Sid": "OrdersStream",
          "Effect": "Allow",
          "Action": [
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:DescribeStream"
          ],
          "Resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/orders/stream/*"
        },
        {
          "Sid": "OrdersKey",
          "Effect": "Allow",
          "Action": [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:GenerateDataKey*"
          ],
          "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*",
          "Condition": {
            "StringEquals": {
              "kms:EncryptionContext:aws:dynamodb:tableName": "orders",
              "kms:ViaService": [
                "dynamodb.eu-west-1.amazonaws.com",
                "sqs.eu-west-1.amazonaws.com"
              ]
            }
          }
        },
        {
          "Sid": "AllowKmsDescribeKey",
          "Effect": "Allow",
          "Action": "kms:DescribeKey",
          "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*",
          "Condition": {
            "StringEquals": {
              "kms:RequestAlias": "alias/orders"
            }
          }
        },
        {
          "Sid": "AllowKmsDescribeKey2",
          "Effect": "Allow",
          "Action": "kms:DescribeKey",
          "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*",
          "Condition": {
            "ForAnyValue:StringEquals": {
              "kms:ResourceAliases": "alias/orders"
            }
          }
        },
        {
          "Sid": "Queue",
          "Effect": "Allow",
          "Action": [
            "sqs:SendMessage",
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes"
          ],
          "Resource": [
            "arn:aws:sqs:eu-west-1:111122223333:orders-queue",
            "arn:aws:sqs:eu-west-1:111122223333:orders-dlq.fifo"
          ]
        },
        {
          "Sid": "Topic",
          "Effect": "Allow",
          "Action": "sns:Publish",
          "Resource": "arn:aws:sns:eu-west-1:111122223333:order-events"
        },
        {
          "Sid": "Secret",
          "Effect": "Allow",
          "Action": "secretsmanager:GetSecretValue",
          "Resource": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:orders/db-??????",
          "Condition": {
            "StringEquals": {
              "secretsmanager:VersionStage": "AWSCURRENT"
            }
          }
        },
        {
          "Sid": "Logs",
          "Effect": "Allow",
          "Action": [
            "logs:CreateLogStream",
            "logs:PutLogEvents"
          ],
          "Resource": "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders-*:*"
        },
        {
          "Sid": "AllowLogsCreateLogGroup",
          "Effect": "Allow",
          "Action": "logs:CreateLogGroup",
          "Resource": "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders-*"
        },
        {
          "Sid": "InvokeLive",
          "Effect": "Allow",
          "Action": "lambda:InvokeFunction",
          "Resource": [
            "arn:aws:lambda:eu-west-1:111122223333:function:orders-pricing:live",
            "arn:aws:lambda:eu-west-1:111122223333:function:orders-pricing"
          ]
        },
        {
          "Sid": "SSMParams",
          "Effect": "Allow",
          "Action": [
            "ssm:GetParameter",
            "ssm:GetParametersByPath"
          ],
          "Resource": "arn:aws:ssm:eu-west-1:111122223333:parameter/orders/*"
        }
      ]
    }
  EOT
}

# CI may update only the orders functions and wire event sources for them.
resource "aws_iam_policy" "OrdersDeployer" {
  name   = "OrdersDeployer"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowLambdaUpdateFunctionCodeEtc",
          "Effect": "Allow",
          "Action": [
            "lambda:UpdateFunctionCode",
            "lambda:PublishVersion",
            "lambda:UpdateAlias"
          ],
          "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:orders-*"
        },
        {
          "Sid": "EventSourceMappings",
          "Effect": "Allow",
          "Action": [
            "lambda:CreateEventSourceMapping",
            "lambda:UpdateEventSourceMapping"
          ],
          "Resource": "*",
          "Condition": {
            "ArnLike": {
              "lambda:FunctionArn": "arn:aws:lambda:eu-west-1:111122223333:function:orders-*"
            }
          }
        },
        {
          "Sid": "PassExecutionRole",
          "Effect": "Allow",
          "Action": "iam:PassRole",
          "Resource": "arn:aws:iam::111122223333:role/service-role/orders-lambda-*",
          "Condition": {
            "StringEquals": {
              "iam:PassedToService": "lambda.amazonaws.com"
            }
          }
        },
        {
          "Sid": "PermissionsForS3",
          "Effect": "Allow",
          "Action": "lambda:AddPermission",
          "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:orders-*",
          "Condition": {
            "StringEquals": {
              "lambda:Principal": "s3.amazonaws.com"
            }
          }
        }
      ]
    }
  EOT
}

# Analysts read the curated zone of the data lake and list their prefix.
resource "aws_iam_policy" "DataLakeAnalyst" {
  name   = "DataLakeAnalyst"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "ListCurated",
          "Effect": "Allow",
          "Action": "s3:ListBucket",
          "Resource": "arn:aws:s3:::acme-datalake-prod",
          "Condition": {
            "Bool": {
              "aws:SecureTransport": "true"
            },
            "StringLike": {
              "s3:prefix": "curated/*"
            }
          }
        },
        {
          "Sid": "ReadCurated",
          "Effect": "Allow",
          "Action": [
            "s3:GetObject",
            "s3:GetObjectVersion",
            "s3:GetObjectTagging"
          ],
          "Resource": "arn:aws:s3:::acme-datalake-prod/curated/*"
        },
        {
          "Sid": "WriteScratch",
          "Effect": "Allow",
          "Action": [
            "s3:PutObject",
            "s3:PutObjectTagging"
          ],
          "Resource": "arn:aws:s3:::acme-datalake-prod/scratch/$${aws:username}/*",
          "Condition": {
            "ArnEquals": {
              "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            },
            "StringEquals": {
              "s3:x-amz-server-side-encryption": "aws:kms"
            }
          }
        },
        {
          "Sid": "AccessPoint",
          "Effect": "Allow",
          "Action": "s3:GetObject",
          "Resource": "arn:aws:s3:us-east-1:111122223333:accesspoint/analytics/object/*"
        },
        {
          "Sid": "AllowS3ListAllMyBucketsEtc",
          "Effect": "Allow",
          "Action": [
            "s3:ListAllMyBuckets",
            "s3:GetBucketLocation"
          ],
          "Resource": "*"
        },
        {
          "Sid": "DecryptViaS3",
          "Effect": "Allow",
          "Action": [
            "kms:Decrypt",
            "kms:GenerateDataKey"
          ],
          "Resource": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          "Condition": {
            "StringEquals": {
              "kms:ViaService": "s3.us-east-1.amazonaws.com"
            }
          }
        }
      ]
    }
  EOT
}
