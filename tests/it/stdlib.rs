//! The standard library's own guarantees (issue #9).
//!
//! - Every `prove` block of `stdlib/std/*.iamc` is decided with
//!   `Settings { include_std: true }` (user builds skip them) and must be proved; each
//!   property is printed on its own line (`cargo test stdlib -- --nocapture` shows them).
//! - The standard library is clean: no diagnostic, the catalog checks of its own documents
//!   included (which user builds skip, see `check_program_except`), and every template is
//!   used by one of its example documents, so every template is under some proof.
//! - Each guarantee is also shown failing where it should: a template broken on purpose
//!   (a condition dropped, a pattern widened, `not k` switched to `k == false`) must make
//!   the property that states the guarantee refuted, with E0501 and a counterexample.

use iamc::catalog::Catalog;
use iamc::prove::driver::{run, Report, Settings};
use iamc::prove::report;
use iamc::source::{Origin, Sources};
use iamc::syntax::ast;
use iamc::{analyze, Analysis, AnalyzeOptions};
use std::collections::{BTreeMap, BTreeSet};

/// The standard library, with `edits` (module, text, replacement) applied: each text must
/// occur exactly once in its module. `extra` is appended to the module named first.
fn analyse(edits: &[(&str, &str, &str)], extra: Option<(&str, &str)>) -> Analysis {
    let mut sources = Sources::new();
    for (module, name, text) in iamc::stdlib::STDLIB {
        let mut text = text.to_string();
        for (m, from, to) in edits.iter().filter(|(m, _, _)| m == module) {
            assert_eq!(
                text.matches(from).count(),
                1,
                "`{from}` must occur once in {m}"
            );
            text = text.replacen(from, to, 1);
        }
        if let Some((m, more)) = extra.filter(|(m, _)| m == module) {
            assert_eq!(m, *module);
            text.push_str(more);
        }
        sources.add(*name, *module, Origin::Stdlib((*module).to_string()), text);
    }
    let options = AnalyzeOptions {
        catalog: Catalog::embedded(),
        ..AnalyzeOptions::default()
    };
    analyze(&sources, &options)
}

/// Decides the standard library's proofs about `subject` (all of them with `None`).
fn prove(a: &Analysis, subject: Option<&str>) -> Vec<Report> {
    let mut program = a.program.clone();
    program.proofs.retain(|p| {
        subject.is_none_or(|s| report::property_text(a, p.span).starts_with(&format!("prove {s} ")))
    });
    let inputs = iamc::prove::driver::Inputs {
        program: &program,
        documents: a.documents.iter().map(|d| &d.document).collect(),
    };
    let clock = std::time::Instant::now();
    let now = || clock.elapsed().as_secs_f64() * 1000.0;
    let settings = Settings {
        include_std: true,
        ..Settings::default()
    };
    let mut reports = run(&inputs, &a.sources, Catalog::embedded(), settings, &now);
    // Report indexes point into the filtered program; re-point them to the analysis's.
    for r in &mut reports {
        let span = program.proofs.get(r.proof).map(|p| p.span);
        if let Some(i) = a.program.proofs.iter().position(|p| Some(p.span) == span) {
            r.proof = i;
        }
    }
    reports
}

fn line(a: &Analysis, r: &Report) -> String {
    format!(
        "{:<9} {:>8.1} ms  {}: {}",
        r.verdict_word(),
        r.ms,
        r.subject,
        report::property_text(a, r.span)
    )
}

#[test]
fn every_standard_library_proof_is_proved() {
    let a = analyse(&[], None);
    assert!(a.diagnostics.is_empty(), "{:#?}", a.diagnostics);
    // The catalog checks user builds leave out for the standard library's own documents.
    let catalog = iamc::check::catalog_checks::check_program(&a.program, Catalog::embedded());
    assert!(catalog.is_empty(), "{catalog:#?}");
    let reports = prove(&a, None);
    let mut per_module: BTreeMap<String, usize> = BTreeMap::new();
    let mut failed = Vec::new();
    let mut total_ms = 0.0;
    for r in &reports {
        let l = line(&a, r);
        println!("{l}");
        total_ms += r.ms;
        let module = a
            .sources
            .get(r.span.file)
            .map(|f| f.module.clone())
            .unwrap_or_default();
        *per_module.entry(module).or_default() += 1;
        if r.verdict_word() != "proved" {
            failed.push(l);
        }
    }
    println!(
        "{} properties of the standard library proved in {total_ms:.0} ms",
        reports.len()
    );
    assert!(failed.is_empty(), "not proved:\n{}", failed.join("\n"));
    // Every module proves something.
    for (module, _, _) in iamc::stdlib::STDLIB {
        assert!(
            per_module.get(*module).is_some_and(|n| *n > 0),
            "{module} has no proof"
        );
    }
    assert!(reports.len() >= 150, "{} properties", reports.len());
}

/// Every template of the standard library is used, directly or through other templates, by
/// one of its example documents: so every template is under a proof.
#[test]
fn every_template_is_instantiated_by_an_example() {
    let a = analyse(&[], None);
    let mut uses: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut roots: Vec<String> = Vec::new();
    let mut templates = BTreeSet::new();
    fn used(body: &[ast::Stmt]) -> Vec<String> {
        body.iter()
            .filter_map(|s| match s {
                ast::Stmt::Use(u) => u.template.segments.last().map(|n| n.node.clone()),
                ast::Stmt::Rule(_) => None,
            })
            .collect()
    }
    for f in &a.files {
        for item in &f.ast.items {
            match item {
                ast::Item::Template(t) => {
                    templates.insert(t.name.node.clone());
                    uses.insert(t.name.node.clone(), used(&t.body));
                }
                ast::Item::Document(d) => roots.extend(used(&d.body)),
                _ => {}
            }
        }
    }
    let mut reached = BTreeSet::new();
    while let Some(t) = roots.pop() {
        if reached.insert(t.clone()) {
            roots.extend(uses.get(&t).cloned().unwrap_or_default());
        }
    }
    let missing: Vec<&String> = templates.difference(&reached).collect();
    assert!(
        missing.is_empty(),
        "templates without an example: {missing:?}"
    );
    assert!(templates.len() >= 40, "{} templates", templates.len());
}

/// `read_like_writes` in std.jobs is exactly the catalog's actions named like reads whose
/// access level is not List or Read.
#[test]
fn read_like_writes_match_the_catalog() {
    use iamc::catalog::AccessLevel;
    let catalog = Catalog::embedded();
    let mut want: Vec<String> = Vec::new();
    for s in catalog.services().filter(|s| !s.retired()) {
        for a in s.actions() {
            let read_like = ["Describe", "Get", "List", "BatchGet"]
                .iter()
                .any(|p| a.name().starts_with(p));
            if read_like && !matches!(a.access_level(), AccessLevel::Read | AccessLevel::List) {
                want.push(a.full_name());
            }
        }
    }
    let a = analyse(&[], None);
    let decl = a
        .files
        .iter()
        .flat_map(|f| &f.ast.items)
        .find_map(|i| match i {
            ast::Item::Const(c) if c.name.node == "read_like_writes" => Some(c),
            _ => None,
        })
        .expect("std.jobs declares read_like_writes");
    let ast::ExprKind::List(items) = &decl.value.kind else {
        panic!("a list");
    };
    let got: Vec<String> = items
        .iter()
        .map(|e| match &e.kind {
            ast::ExprKind::Action(x) => format!("{}:{}", x.service.node, x.name.node),
            other => panic!("{other:?}"),
        })
        .collect();
    let (mut w, mut g) = (want.clone(), got.clone());
    w.sort_by_key(|s| s.to_lowercase());
    g.sort_by_key(|s| s.to_lowercase());
    assert_eq!(g, w, "update `read_like_writes` in stdlib/std/jobs.iamc");
}

/// One template broken on purpose, and the property that must then be refuted.
struct Break {
    why: &'static str,
    edits: &'static [(&'static str, &'static str, &'static str)],
    subject: &'static str,
    /// A piece of the property's text (whitespace collapsed).
    property: &'static str,
}

const BREAKS: &[Break] = &[
    // ---- std.guards ----
    Break {
        why: "mfa_guard with `k == false` (Bool) instead of `not k` (BoolIfExists) lets access keys through",
        edits: &[("std.guards", "deny not except on * when not aws:MultiFactorAuthPresent\n", "deny not except on * when aws:MultiFactorAuthPresent == false\n")],
        subject: "ExampleMfaGuard",
        property: "denies iam:CreateUser on * when not exists(aws:MultiFactorAuthPresent)",
    },
    Break {
        why: "mfa_guard_via_services without the aws:ViaAWSService exception blocks services acting for the user",
        edits: &[("std.guards", "when not aws:MultiFactorAuthPresent and not aws:ViaAWSService\n}", "when not aws:MultiFactorAuthPresent\n}")],
        subject: "ExampleMfaGuardViaServices",
        property: "allows * on * when aws:ViaAWSService",
    },
    Break {
        why: "mfa_guard_via_services with `aws:ViaAWSService == false` does not fire when the key is absent",
        edits: &[("std.guards", "when not aws:MultiFactorAuthPresent and not aws:ViaAWSService\n}", "when not aws:MultiFactorAuthPresent and aws:ViaAWSService == false\n}")],
        subject: "ExampleMfaGuardViaServices",
        property: "denies * on * when not aws:MultiFactorAuthPresent and not aws:ViaAWSService",
    },
    Break {
        why: "manage_own_mfa on every virtual device, not the user's own",
        edits: &[("std.guards", "on arn\"arn:aws:iam::*:mfa/${aws:username}\"", "on arn\"arn:aws:iam::*:mfa/*\"")],
        subject: "ExampleSelfServiceUser",
        property: "denies iam:CreateVirtualMFADevice, iam:DeleteVirtualMFADevice on arn\"arn:aws:iam::111122223333:mfa/bob\"",
    },
    Break {
        why: "manage_own_mfa on every user, not the signed-in one",
        edits: &[("std.guards", "          iam:ResyncMFADevice\n        on arn\"arn:aws:iam::*:user/${aws:username}\"", "          iam:ResyncMFADevice\n        on arn\"arn:aws:iam::*:user/*\"")],
        subject: "ExampleSelfServiceUser",
        property: "denies iam:EnableMFADevice, iam:DeactivateMFADevice, iam:ChangePassword on arn\"arn:aws:iam::111122223333:user/bob\"",
    },
    Break {
        why: "mfa_self_service without its MFA guard",
        edits: &[("std.guards", "    use mfa_guard(except: mfa_self_service_actions)\n", "")],
        subject: "ExampleSelfServiceUser",
        property: "denies * on * when not aws:MultiFactorAuthPresent except [",
    },
    Break {
        why: "the self-service exceptions widened to deleting a device without MFA",
        edits: &[("std.guards", "    iam:GetAccountPasswordPolicy,\n]", "    iam:GetAccountPasswordPolicy, iam:DeleteVirtualMFADevice,\n]")],
        subject: "ExampleSelfServiceUser",
        property: "denies * on * when not aws:MultiFactorAuthPresent except [",
    },
    Break {
        why: "network_perimeter without the aws:ViaAWSService exception",
        edits: &[("std.guards", "aws:SourceVpc? not in vpcs and not aws:ViaAWSService\n", "aws:SourceVpc? not in vpcs\n")],
        subject: "ExampleNetworkPerimeter",
        property: "allows * on * when aws:ViaAWSService",
    },
    Break {
        why: "network_perimeter without the address test denies the office network",
        edits: &[("std.guards", "when aws:SourceIp? not in cidrs and aws:SourceVpc? not in vpcs", "when aws:SourceVpc? not in vpcs")],
        subject: "ExampleNetworkPerimeter",
        property: "allows * on * when aws:SourceIp in [cidr\"203.0.113.0/24\"]",
    },
    Break {
        why: "source_ip_guard without the aws:ViaAWSService exception",
        edits: &[("std.guards", "deny * on * when aws:SourceIp? not in cidrs and not aws:ViaAWSService", "deny * on * when aws:SourceIp? not in cidrs")],
        subject: "ExampleSourceIpGuard",
        property: "allows * on * when aws:ViaAWSService",
    },
    Break {
        why: "source_ip_guard testing `aws:SourceIp` without `?` lets endpoint traffic (no address) through",
        edits: &[("std.guards", "deny * on * when aws:SourceIp? not in cidrs and not aws:ViaAWSService", "deny * on * when aws:SourceIp? not in cidrs and exists(aws:SourceIp) and not aws:ViaAWSService")],
        subject: "ExampleSourceIpGuard",
        property: "denies * on * when aws:SourceIp? not in",
    },
    Break {
        why: "source_ip_guard_called_via without its services",
        edits: &[("std.guards", "deny * on * when aws:SourceIp? not in cidrs and not any aws:CalledVia in services", "deny * on * when aws:SourceIp? not in cidrs")],
        subject: "ExampleSourceIpCalledVia",
        property: "allows * on * when any aws:CalledVia in [\"athena.amazonaws.com\"]",
    },
    Break {
        why: "source_ip_guard_called_via with `all` for `any`: any other service in the chain lets the request through",
        edits: &[("std.guards", "not any aws:CalledVia in services", "not all aws:CalledVia in services")],
        subject: "ExampleSourceIpCalledVia",
        property: "and all aws:CalledVia in [\"cloudformation.amazonaws.com\"]",
    },
    Break {
        why: "vpc_endpoint_guard without the aws:ViaAWSService exception",
        edits: &[("std.guards", "deny * on * when aws:SourceVpce? not in vpces and not aws:ViaAWSService", "deny * on * when aws:SourceVpce? not in vpces")],
        subject: "ExampleVpcEndpointGuard",
        property: "allows * on * when aws:ViaAWSService",
    },
    Break {
        why: "deny_insecure_transport with the test turned round",
        edits: &[("std.guards", "deny * on * when not aws:SecureTransport", "deny * on * when aws:SecureTransport")],
        subject: "ExampleTlsOnly",
        property: "denies * on * when not aws:SecureTransport",
    },
    Break {
        why: "deny_outside_dates without its end",
        edits: &[("std.guards", "aws:CurrentTime < start or aws:CurrentTime > end", "aws:CurrentTime < start")],
        subject: "ExampleDatedAccess",
        property: "denies * on * when aws:CurrentTime > date",
    },
    // ---- std.patterns ----
    Break {
        why: "allowlist widened to everything",
        edits: &[("std.patterns", "    allow services on *\n", "    allow * on *\n")],
        subject: "ExampleAllowlist",
        property: "denies not [s3:*, dynamodb:*] on *",
    },
    Break {
        why: "allowlist_levels with a level more than asked",
        edits: &[("std.patterns", "allow actions(services, levels) on *", "allow actions(services, levels), actions(services, \"Write\") on *")],
        subject: "ExampleReadS3",
        property: "denies actions(s3, [\"Write\"",
    },
    Break {
        why: "allowlist_levels_compact with a wildcard over the whole service",
        edits: &[("std.patterns", "allow action_wildcards(services, levels) on *", "allow services on *")],
        subject: "ExampleReadS3Compact",
        property: "denies actions(s3, [\"Write\"",
    },
    Break {
        why: "denylist that no longer denies",
        edits: &[("std.patterns", "    deny services, actions on *\n", "    deny services, actions on arn\"arn:aws:s3:::nothing\"\n")],
        subject: "ExampleDenylist",
        property: "denies iam:*, organizations:* on *",
    },
    Break {
        why: "deny_actions that denies nothing of what it is given",
        edits: &[("std.patterns", "    deny denied on *\n", "    deny denied on arn\"arn:aws:s3:::nothing\"\n")],
        subject: "ExampleHybrid",
        property: "denies iam:* on *",
    },
    Break {
        why: "allow_all_except without its `not`",
        edits: &[("std.patterns", "    allow not services on *\n", "    allow * on *\n")],
        subject: "ExampleAllowAllExcept",
        property: "denies s3:* on *",
    },
    Break {
        why: "hybrid without its deny-list",
        edits: &[("std.patterns", "    allow allowed on *\n    use deny_actions(denied: denied)\n", "    allow allowed on *\n")],
        subject: "ExampleHybrid",
        property: "denies iam:* on *",
    },
    // ---- std.jobs ----
    Break {
        why: "read_only_everywhere without its deny of the read-like writes grants credentials",
        edits: &[("std.jobs", "    deny read_like_writes on *\n", "")],
        subject: "ExampleReadOnly",
        property: "denies actions( [iam, sts, kms, secretsmanager, organizations, redshift, lightsail]",
    },
    Break {
        why: "power_user with IAM",
        edits: &[("std.jobs", "    allow not [iam:*, organizations:*, account:*] on *\n", "    allow not [organizations:*, account:*] on *\n")],
        subject: "ExamplePowerUser",
        property: "denies iam:PassRole, iam:CreateRole",
    },
    Break {
        why: "billing with EC2",
        edits: &[("std.jobs", "        cost-optimization-hub:*, savingsplans:*, account:GetAccountInformation\n        on *", "        cost-optimization-hub:*, savingsplans:*, account:GetAccountInformation, ec2:*\n        on *")],
        subject: "ExampleBilling",
        property: "denies not [",
    },
    Break {
        why: "administrator that is not",
        edits: &[("std.jobs", "template administrator() {\n    allow * on *\n", "template administrator() {\n    allow not iam:* on *\n")],
        subject: "ExampleAdministratorAccess",
        property: "allows * on *",
    },
    // ---- std.passrole ----
    Break {
        why: "passrole_to_service without iam:PassedToService",
        edits: &[("std.passrole", "    allow iam:PassRole on roles when iam:PassedToService == service\n", "    allow iam:PassRole on roles\n")],
        subject: "ExamplePassRoleToEc2",
        property: "denies iam:PassRole on * when iam:PassedToService? != \"ec2.amazonaws.com\"",
    },
    Break {
        why: "passrole_console on instance profiles, the seed notes' statement that never applies",
        edits: &[("std.passrole", "    allow iam:ListRoles, iam:ListInstanceProfiles on *\n", "    allow iam:ListRoles, iam:ListInstanceProfiles on arn\"arn:aws:iam::*:instance-profile/*\"\n")],
        subject: "ExamplePassRoleToEc2",
        property: "allows iam:ListRoles, iam:ListInstanceProfiles on *",
    },
    Break {
        why: "passrole_to_service_with_console without the console's lists",
        edits: &[("std.passrole", "    use passrole_console()\n", "")],
        subject: "ExamplePassRoleToEc2",
        property: "allows iam:ListRoles, iam:ListInstanceProfiles on *",
    },
    Break {
        why: "passrole_to_ec2 listing instance profiles on their ARNs (the seed notes' W0346)",
        edits: &[("std.passrole", "    use passrole_to_service(service: \"ec2.amazonaws.com\", roles: roles)\n    allow iam:ListInstanceProfiles on *\n", "    use passrole_to_service(service: \"ec2.amazonaws.com\", roles: roles)\n    allow iam:ListInstanceProfiles on arn\"arn:aws:iam::*:instance-profile/*\"\n")],
        subject: "ExamplePassRoleToEc2Seed",
        property: "allows iam:ListInstanceProfiles on *",
    },
    // ---- std.trust ----
    Break {
        why: "assume_from_account_with_mfa without MFA",
        edits: &[("std.trust", "        when aws:MultiFactorAuthPresent and sts:ExternalId == external_id\n", "        when sts:ExternalId == external_id\n")],
        subject: "ExampleAssumeWithMfa",
        property: "denies * when not aws:MultiFactorAuthPresent",
    },
    Break {
        why: "assume_from_account_with_mfa without the external id",
        edits: &[("std.trust", "        when aws:MultiFactorAuthPresent and sts:ExternalId == external_id\n", "        when aws:MultiFactorAuthPresent\n")],
        subject: "ExampleAssumeWithMfa",
        property: "denies * when sts:ExternalId? != \"ext-42\"",
    },
    Break {
        why: "assume_from_account_requiring_mfa with `?` (BoolIfExists true) lets access keys without MFA in",
        edits: &[("std.trust", "    allow sts:AssumeRole from account(account) when aws:MultiFactorAuthPresent\n", "    allow sts:AssumeRole from account(account) when aws:MultiFactorAuthPresent?\n")],
        subject: "ExampleAssumeRequiringMfa",
        property: "denies * when not aws:MultiFactorAuthPresent",
    },
    Break {
        why: "assume_from_third_party without the external id",
        edits: &[("std.trust", "    allow sts:AssumeRole from account(account) when sts:ExternalId == external_id\n", "    allow sts:AssumeRole from account(account)\n")],
        subject: "ExampleThirdParty",
        property: "denies * when sts:ExternalId? != \"vendor-7f3a\"",
    },
    Break {
        why: "assume_from_service from anyone",
        edits: &[("std.trust", "    allow sts:AssumeRole from service(service)\n}", "    allow sts:AssumeRole from *\n}")],
        subject: "ExampleEc2Role",
        property: "denies * when exists(aws:PrincipalArn)",
    },
    Break {
        why: "assume_from_service_for_account without aws:SourceAccount (the confused deputy)",
        edits: &[("std.trust", "    allow sts:AssumeRole from service(service) when aws:SourceAccount == source_account\n", "    allow sts:AssumeRole from service(service)\n")],
        subject: "ExampleConfigRole",
        property: "denies * when aws:SourceAccount? != \"111122223333\"",
    },
    Break {
        why: "assume_from_service_for_resources without aws:SourceArn",
        edits: &[("std.trust", "        when aws:SourceAccount == source_account and aws:SourceArn like source_arns\n", "        when aws:SourceAccount == source_account\n")],
        subject: "ExampleSchedulerRole",
        property: "denies * when aws:SourceArn? not like",
    },
    Break {
        why: "github_actions with the wide subject `repo:acme/*`",
        edits: &[("std.trust", "subjects: [\"repo:acme/app:ref:refs/heads/main\", \"repo:acme/app:environment:prod\"]", "subjects: [\"repo:acme/*\"]")],
        subject: "ExampleGithubDeploy",
        property: "denies * when token.actions.githubusercontent.com:sub? not like \"repo:acme/app:*\"",
    },
    Break {
        why: "github_actions without the audience",
        edits: &[("std.trust", "        when token.actions.githubusercontent.com:aud == \"sts.amazonaws.com\"\n            and token.actions.githubusercontent.com:sub like subjects\n", "        when token.actions.githubusercontent.com:sub like subjects\n")],
        subject: "ExampleGithubDeploy",
        property: "denies * when token.actions.githubusercontent.com:aud? != \"sts.amazonaws.com\"",
    },
    Break {
        why: "saml_federation without SAML:aud",
        edits: &[("std.trust", "    allow sts:AssumeRoleWithSAML from federated(provider)\n        when saml:aud == \"https://signin.aws.amazon.com/saml\"\n", "    allow sts:AssumeRoleWithSAML from federated(provider)\n")],
        subject: "ExampleSamlRole",
        property: "denies * when saml:aud? != \"https://signin.aws.amazon.com/saml\"",
    },
    Break {
        why: "assume_from_permission_set widened to every Identity Center role",
        edits: &[("std.trust", "role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_{permission_set}_*", "role/aws-reserved/sso.amazonaws.com/*")],
        subject: "ExamplePermissionSetRole",
        property: "AWSReservedSSO_Admin_????????????????\"",
    },
    Break {
        why: "stacksets_execution trusting the whole administrator account",
        edits: &[("std.trust", "        from arn\"arn:aws:iam::{admin_account}:role/AWSCloudFormationStackSetAdministrationRole\"\n", "        from account(admin_account)\n")],
        subject: "ExampleStackSetsExecution",
        property: "denies * when aws:PrincipalArn like \"arn:aws:iam::999988887777:user/*\"",
    },
    // ---- std.boundaries ----
    Break {
        why: "delegated_admin_guard without the boundary condition on creating roles and users",
        edits: &[("std.boundaries", "        when iam:PermissionsBoundary? != boundary_policy\n", "        when iam:PermissionsBoundary? != boundary_policy and aws:RequestedRegion == \"eu-west-1\"\n")],
        subject: "ExampleGuardedAdministrator",
        property: "when iam:PermissionsBoundary? != \"arn:aws:iam::111122223333:policy/DeveloperBoundary\"",
    },
    Break {
        why: "delegated_admin_guard that lets the boundary be removed",
        edits: &[("std.boundaries", "    deny iam:DeleteRolePermissionsBoundary, iam:DeleteUserPermissionsBoundary on *\n", "")],
        subject: "ExampleGuardedAdministrator",
        property: "denies iam:DeleteRolePermissionsBoundary, iam:DeleteUserPermissionsBoundary on *",
    },
    Break {
        why: "delegated_admin_guard that lets the boundary policy be edited",
        edits: &[
            ("std.boundaries", "         iam:SetDefaultPolicyVersion\n        on boundary_policy\n", "         iam:SetDefaultPolicyVersion\n        on arn\"arn:aws:iam::*:policy/nothing\"\n"),
            ("std.boundaries", "        on not arn\"arn:aws:iam::{account}:policy/{path}*\"\n", "        on arn\"arn:aws:iam::*:policy/nothing-else\"\n"),
        ],
        subject: "ExampleGuardedAdministrator",
        property: "on arn\"arn:aws:iam::111122223333:policy/DeveloperBoundary\"",
    },
    Break {
        why: "delegated_admin_guard whose path check is widened to every role: PassRole escalation",
        edits: &[("std.boundaries", "        on not arn\"arn:aws:iam::{account}:role/{path}*\"\n", "        on not arn\"arn:aws:iam::{account}:role/*\"\n")],
        subject: "ExampleGuardedAdministrator",
        property: "denies iam:PassRole, iam:UpdateAssumeRolePolicy on not",
    },
    Break {
        why: "delegated_admin_guard that lets groups be changed",
        edits: &[("std.boundaries", "    deny iam:AttachGroupPolicy, iam:PutGroupPolicy, iam:AddUserToGroup on *\n", "")],
        subject: "ExampleGuardedAdministrator",
        property: "denies iam:AttachGroupPolicy, iam:PutGroupPolicy, iam:AddUserToGroup on *",
    },
    Break {
        why: "delegated_admin without its guard",
        edits: &[("std.boundaries", "    use delegated_admin_guard(account: account, boundary_policy: boundary_policy, path: path)\n", "")],
        subject: "ExampleDelegatedAdministrator",
        property: "when iam:PermissionsBoundary? != \"arn:aws:iam::111122223333:policy/DeveloperBoundary\"",
    },
    Break {
        why: "developer_boundary open to Organizations",
        edits: &[("std.boundaries", "    allow not [iam:*, organizations:*, account:*] on *\n    use delegated_admin(", "    allow not iam:* on *\n    use delegated_admin(")],
        subject: "ExampleDeveloper",
        property: "denies organizations:*, account:* on *",
    },
    // ---- std.scp ----
    Break {
        why: "deny_leave_organization denying the wrong action",
        edits: &[("std.scp", "    deny organizations:LeaveOrganization on *\n", "    deny organizations:DeleteOrganization on *\n")],
        subject: "ExampleMemberAdmin",
        property: "denies organizations:LeaveOrganization on *",
    },
    Break {
        why: "deny_regions_except without IAM among the global services",
        edits: &[("std.scp", "    iam:*, importexport:*, kms:*,", "    importexport:*, kms:*,")],
        subject: "ExampleRegionalAdmin",
        property: "allows iam:*, organizations:*",
    },
    Break {
        why: "deny_regions_except without its exemption",
        edits: &[("std.scp", "        when aws:RequestedRegion not in regions and aws:PrincipalArn not like exempt\n", "        when aws:RequestedRegion not in regions\n")],
        subject: "ExampleOrgAdmin",
        property: "allows ec2:RunInstances on * when aws:RequestedRegion == \"ap-southeast-2\"",
    },
    Break {
        why: "protect_cloudtrail without StopLogging",
        edits: &[("std.scp", "    deny cloudtrail:StopLogging, cloudtrail:DeleteTrail,", "    deny cloudtrail:DeleteTrail,")],
        subject: "ExampleSecurityAdmin",
        property: "denies cloudtrail:StopLogging",
    },
    Break {
        why: "protect_config without StopConfigurationRecorder",
        edits: &[("std.scp", "    deny config:StopConfigurationRecorder, config:DeleteConfigurationRecorder,", "    deny config:DeleteConfigurationRecorder,")],
        subject: "ExampleSecurityAdmin",
        property: "denies config:StopConfigurationRecorder",
    },
    Break {
        why: "protect_guardduty without DeleteDetector",
        edits: &[("std.scp", "    deny guardduty:DeleteDetector, guardduty:UpdateDetector,", "    deny guardduty:UpdateDetector,")],
        subject: "ExampleSecurityAdmin",
        property: "denies guardduty:DeleteDetector",
    },
    Break {
        why: "protect_securityhub exempting everyone",
        edits: &[("std.scp", "         securityhub:DisableImportFindingsForProduct\n        on *\n        when aws:PrincipalArn not like exempt\n", "         securityhub:DisableImportFindingsForProduct\n        on *\n        when aws:PrincipalArn like exempt\n")],
        subject: "ExampleSecurityAdmin",
        property: "denies securityhub:DisableSecurityHub",
    },
    Break {
        why: "protect_security_services without CloudTrail",
        edits: &[("std.scp", "    use protect_cloudtrail(exempt: exempt)\n", "")],
        subject: "ExampleSecurityAdmin",
        property: "denies cloudtrail:StopLogging",
    },
    Break {
        why: "deny_iam_users_and_keys without access keys",
        edits: &[("std.scp", "    deny iam:CreateUser, iam:CreateAccessKey on *\n", "    deny iam:CreateUser on *\n")],
        subject: "ExampleSandboxAdmin",
        property: "denies iam:CreateUser, iam:CreateAccessKey on *",
    },
    Break {
        why: "deny_disabling_default_encryption without S3",
        edits: &[("std.scp", "         ec2:ResetEbsDefaultKmsKeyId, s3:PutEncryptionConfiguration\n", "         ec2:ResetEbsDefaultKmsKeyId\n")],
        subject: "ExampleEncryptionAdmin",
        property: "denies ec2:DisableEbsEncryptionByDefault, s3:PutEncryptionConfiguration on *",
    },
    // ---- std.rcp ----
    Break {
        why: "org_data_perimeter without the service exception",
        edits: &[("std.rcp", "        when aws:PrincipalOrgID? != org_id and not aws:PrincipalIsAWSService\n", "        when aws:PrincipalOrgID? != org_id\n")],
        subject: "ExampleDataUser",
        property: "allows s3:PutObject on * when aws:PrincipalIsAWSService and not exists(aws:SourceAccount)",
    },
    Break {
        why: "org_data_perimeter with `aws:PrincipalIsAWSService == false`: anonymous requests carry no such key",
        edits: &[("std.rcp", "        when aws:PrincipalOrgID? != org_id and not aws:PrincipalIsAWSService\n", "        when aws:PrincipalOrgID? != org_id and aws:PrincipalIsAWSService == false\n")],
        subject: "ExampleDataUser",
        property: "when aws:PrincipalOrgID? != \"o-a1b2c3d4e5\" and not aws:PrincipalIsAWSService",
    },
    Break {
        why: "org_data_perimeter without the confused-deputy statement",
        edits: &[("std.rcp", "and exists(aws:SourceAccount) and aws:SourceOrgID? != org_id\n", "and exists(aws:SourceAccount) and aws:SourceOrgID? != org_id and aws:RequestedRegion == \"eu-west-1\"\n")],
        subject: "ExampleDataUser",
        property: "and aws:SourceOrgID? != \"o-a1b2c3d4e5\"",
    },
    Break {
        why: "rcp_deny_insecure_transport without SQS",
        edits: &[("std.rcp", "    deny s3:*, sts:*, kms:*, sqs:*, secretsmanager:* from * on * when not aws:SecureTransport\n", "    deny s3:*, sts:*, kms:*, secretsmanager:* from * on * when not aws:SecureTransport\n")],
        subject: "ExampleDataUser",
        property: "denies s3:*, sts:*, kms:*, sqs:*, secretsmanager:* on * when not aws:SecureTransport",
    },
];

/// Asserts that the property of `subject` containing `property` is refuted by E0501 with a
/// counterexample; returns that report.
fn refuted(a: &Analysis, subject: &str, property: &str, why: &str) -> Report {
    let reports = prove(a, Some(subject));
    let r = reports
        .iter()
        .find(|r| report::property_text(a, r.span).contains(property))
        .unwrap_or_else(|| panic!("{why}: no property of {subject} contains `{property}`"));
    assert_eq!(r.verdict_word(), "refuted", "{why}: {}", line(a, r));
    assert!(r.scenario.is_some(), "{why}: no counterexample");
    let d = report::diagnostics(a, std::slice::from_ref(r));
    assert!(
        d.iter()
            .any(|d| d.code == iamc::diagnostics::Code::E0501 && d.primary == r.span),
        "{why}: {d:?}"
    );
    r.clone()
}

#[test]
fn each_guarantee_fails_when_its_template_is_broken() {
    let mut failures = Vec::new();
    for b in BREAKS {
        let result = std::panic::catch_unwind(|| {
            let a = analyse(b.edits, None);
            assert!(
                !a.has_errors(),
                "{}: the broken library does not check: {:?}",
                b.why,
                a.diagnostics
            );
            let r = refuted(&a, b.subject, b.property, b.why);
            line(&a, &r)
        });
        match result {
            Ok(l) => println!("refuted as it should: {} -> {l}", b.why),
            Err(_) => failures.push(b.why.to_string()),
        }
    }
    assert!(
        failures.is_empty(),
        "broken templates not caught:\n{}",
        failures.join("\n")
    );
    // Every module is broken at least once.
    let modules: BTreeSet<&str> = BREAKS
        .iter()
        .flat_map(|b| b.edits.iter().map(|e| e.0))
        .collect();
    for (module, _, _) in iamc::stdlib::STDLIB {
        assert!(modules.contains(module), "{module} is never broken");
    }
}

/// The trade-off of the two forms of an access-level allow-list (docs/stdlib.md): the
/// wildcards are not within the explicit list, and the prover shows it with an action the
/// catalog does not know, the kind AWS adds later.
#[test]
fn compact_wildcards_are_not_within_the_explicit_list() {
    let a = analyse(
        &[],
        Some((
            "std.patterns",
            "\nprove ExampleReadS3Compact {\n    within ExampleReadS3\n}\n",
        )),
    );
    assert!(!a.has_errors(), "{:?}", a.diagnostics);
    let r = refuted(
        &a,
        "ExampleReadS3Compact",
        "within ExampleReadS3",
        "compact vs explicit",
    );
    let action = r
        .hit()
        .map(|h| h.request.action.clone())
        .unwrap_or_default();
    assert!(
        action.to_lowercase().starts_with("s3:") && Catalog::embedded().action(&action).is_none(),
        "the counterexample is an action AWS has not published yet: {action}"
    );
}

/// A deny-list written as names is open to the world: the docs' example of a proof that
/// fails on purpose. Every IAM write the catalog knows is denied by name, and the prover
/// finds the IAM action AWS may add tomorrow, which the policy allows.
#[test]
fn a_denylist_by_name_misses_the_actions_aws_adds() {
    let a = analyse(
        &[],
        Some((
            "std.patterns",
            r#"
policy ExampleSandbox {
    use denylist(actions: actions(iam, ["Write", "Permissions management", "Tagging"]))
}

prove ExampleSandbox {
    denies actions(iam, ["Write", "Permissions management", "Tagging"]) on *
    denies iam:* on * except actions(iam, ["Read", "List"])
}
"#,
        )),
    );
    assert!(!a.has_errors(), "{:?}", a.diagnostics);
    let reports = prove(&a, Some("ExampleSandbox"));
    assert_eq!(reports.first().map(Report::verdict_word), Some("proved"));
    let r = refuted(&a, "ExampleSandbox", "denies iam:* on * except", "denylist");
    let action = r
        .hit()
        .map(|h| h.request.action.clone())
        .unwrap_or_default();
    assert!(
        action.to_lowercase().starts_with("iam:") && Catalog::embedded().action(&action).is_none(),
        "{action}"
    );
}

/// The prover's request space has no root user (docs/prover.md, "The request space": a
/// caller is an IAM user or a role session), so `deny_root_user`'s guarantee cannot be
/// stated: the property is vacuous. For the lead (#8): a property about
/// `aws:PrincipalArn like "arn:aws:iam::*:root"` should range over the root users of the
/// accounts. Minimal reproduction: `scp S { deny * on * when aws:PrincipalArn like
/// "arn:aws:iam::*:root" }` with a principal `{ account: "111122223333", policies: [Admin],
/// scps: [FullAWSAccess, [FullAWSAccess, S]] }` and `denies * on * when aws:PrincipalArn
/// like "arn:aws:iam::*:root"` gives `vacuous` (W0502) instead of `proved`.
#[test]
#[ignore = "prover limitation for the lead (#8): the root user is not in the request space, so deny_root_user's guarantee is vacuous"]
fn deny_root_user_is_proved_for_the_root_user() {
    let a = analyse(
        &[],
        Some((
            "std.scp",
            "\nprove ExampleMemberPrincipal {\n    denies * on * when aws:PrincipalArn like \"arn:aws:iam::*:root\"\n}\n",
        )),
    );
    let reports = prove(&a, Some("ExampleMemberPrincipal"));
    let r = reports
        .iter()
        .find(|r| report::property_text(&a, r.span).contains(":root"))
        .unwrap();
    assert_eq!(r.verdict_word(), "proved", "{}", line(&a, r));
}
