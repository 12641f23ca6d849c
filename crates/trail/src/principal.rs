//! Who made a call: from a record's `userIdentity` to the principal a usage summary is keyed by.
//!
//! | `userIdentity` | principal (`arn`) | type |
//! | --- | --- | --- |
//! | `IAMUser` with `arn` | the user's ARN | `IAMUser` |
//! | `IAMUser` without `arn` (failed sign-in) | `arn:<partition>:iam::<accountId>:user/<userName>` (path unknown) | `IAMUser` |
//! | `AssumedRole` | `sessionContext.sessionIssuer.arn`: the role's IAM ARN, path kept (SSO roles included) | `AssumedRole` |
//! | `AssumedRole` without issuer | the role ARN rebuilt from the `assumed-role/<role>/<session>` ARN (no path) | `AssumedRole` |
//! | `Root` | `arn`, else `arn:<partition>:iam::<accountId>:root` | `Root` |
//! | `AWSService`, or no `type` but `invokedBy` | `service:<invokedBy>` (`service:ec2.amazonaws.com`) | `AWSService` |
//! | `FederatedUser` | `arn` (`arn:aws:sts::<account>:federated-user/<name>`) | `FederatedUser` |
//! | `WebIdentityUser` / `SAMLUser` | `web-identity:<identityProvider>/<userName>` / `saml:<identityProvider>/<userName>` | same |
//! | `IdentityCenterUser` | `identity-center:<identityStoreArn>/<userId>` | `IdentityCenterUser` |
//! | `AWSAccount` with `accountId` = `ANONYMOUS_PRINCIPAL` | `anonymous` | `Anonymous` |
//! | `AWSAccount` (another account) | `arn:<partition>:iam::<accountId>:root` | `AWSAccount` |
//! | `Unknown` | `arn` as given, else `unknown:<accountId>/<userName>` | `Unknown` |
//!
//! A record none of these rows can name is skipped with reason `no-principal`.

use crate::decode::{Obj, UserIdentity};
use crate::usage::PrincipalType;
use std::borrow::Cow;

/// The identifier of unauthenticated callers.
pub const ANONYMOUS: &str = "anonymous";

/// Resolves the principal of a record, or says why it cannot.
pub(crate) fn resolve<'a>(
    ui: &'a UserIdentity<'_>,
    partition: &str,
) -> Result<(Cow<'a, str>, PrincipalType), String> {
    let kind = ui.kind.non_empty();
    let arn = ui.arn.non_empty();
    let account = ui.account_id.non_empty();
    let user = ui.user_name.non_empty();
    match kind {
        Some("IAMUser") => {
            if let Some(arn) = arn {
                return Ok((Cow::Borrowed(arn), PrincipalType::IAMUser));
            }
            match (account, user) {
                (Some(acct), Some(user)) => Ok((
                    Cow::Owned(format!("arn:{partition}:iam::{acct}:user/{user}")),
                    PrincipalType::IAMUser,
                )),
                _ => Err("`IAMUser` identity has neither `arn` nor `accountId` and `userName`".into()),
            }
        }
        Some("AssumedRole") => {
            if let Obj::Some(ctx) = &ui.session_context {
                if let Obj::Some(issuer) = &ctx.session_issuer {
                    if let Some(role) = issuer.arn.non_empty() {
                        return Ok((Cow::Borrowed(role), PrincipalType::AssumedRole));
                    }
                }
            }
            match arn.and_then(role_from_assumed_role_arn) {
                Some(role) => Ok((Cow::Owned(role), PrincipalType::AssumedRole)),
                None => Err("`AssumedRole` identity has no `sessionContext.sessionIssuer.arn` nor an assumed-role `arn`".into()),
            }
        }
        Some("Root") => match (arn, account) {
            (Some(arn), _) => Ok((Cow::Borrowed(arn), PrincipalType::Root)),
            (None, Some(acct)) => Ok((
                Cow::Owned(format!("arn:{partition}:iam::{acct}:root")),
                PrincipalType::Root,
            )),
            _ => Err("`Root` identity has neither `arn` nor `accountId`".into()),
        },
        Some("AWSService") => service(ui),
        Some("FederatedUser") => match arn {
            Some(arn) => Ok((Cow::Borrowed(arn), PrincipalType::FederatedUser)),
            None => Err("`FederatedUser` identity has no `arn`".into()),
        },
        Some("WebIdentityUser") => federated(ui, "web-identity", PrincipalType::WebIdentityUser),
        Some("SAMLUser") => federated(ui, "saml", PrincipalType::SAMLUser),
        Some("IdentityCenterUser") => {
            if let Obj::Some(obo) = &ui.on_behalf_of {
                if let (Some(store), Some(id)) = (obo.identity_store_arn.non_empty(), obo.user_id.non_empty())
                {
                    return Ok((
                        Cow::Owned(format!("identity-center:{store}/{id}")),
                        PrincipalType::IdentityCenterUser,
                    ));
                }
            }
            match arn {
                Some(arn) => Ok((Cow::Borrowed(arn), PrincipalType::IdentityCenterUser)),
                None => Err("`IdentityCenterUser` identity has no `onBehalfOf` user".into()),
            }
        }
        Some("AWSAccount") => match account.or(ui.principal_id.non_empty()) {
            Some("ANONYMOUS_PRINCIPAL") => Ok((Cow::Borrowed(ANONYMOUS), PrincipalType::Anonymous)),
            Some(acct) if acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()) => Ok((
                Cow::Owned(format!("arn:{partition}:iam::{acct}:root")),
                PrincipalType::AWSAccount,
            )),
            Some(other) => Ok((Cow::Owned(format!("unknown:{other}")), PrincipalType::AWSAccount)),
            None => Err("`AWSAccount` identity has no `accountId`".into()),
        },
        Some("Unknown") => match (arn, account, user) {
            (Some(arn), _, _) => Ok((Cow::Borrowed(arn), PrincipalType::Unknown)),
            (None, Some(acct), Some(user)) => Ok((
                Cow::Owned(format!("unknown:{acct}/{user}")),
                PrincipalType::Unknown,
            )),
            _ => Err("`Unknown` identity has no `arn`, `accountId` or `userName`".into()),
        },
        None if ui.invoked_by.non_empty().is_some() => service(ui),
        None if ui.principal_id.get() == Some("ANONYMOUS_PRINCIPAL")
            || account == Some("ANONYMOUS_PRINCIPAL") =>
        {
            Ok((Cow::Borrowed(ANONYMOUS), PrincipalType::Anonymous))
        }
        None => match arn {
            Some(arn) => Ok((Cow::Borrowed(arn), PrincipalType::Unknown)),
            None => Err("`userIdentity` has no `type`, `arn` or `invokedBy`".into()),
        },
        Some(other) => match arn {
            Some(arn) => Ok((Cow::Borrowed(arn), PrincipalType::Unknown)),
            None => Err(format!("`userIdentity` of type `{other}` has no `arn`")),
        },
    }
}

fn service<'a>(ui: &'a UserIdentity<'_>) -> Result<(Cow<'a, str>, PrincipalType), String> {
    match ui.invoked_by.non_empty().or(ui.principal_id.non_empty()) {
        Some(by) => Ok((Cow::Owned(format!("service:{by}")), PrincipalType::AWSService)),
        None => Err("`AWSService` identity has no `invokedBy`".into()),
    }
}

fn federated<'a>(
    ui: &'a UserIdentity<'_>,
    scheme: &str,
    ty: PrincipalType,
) -> Result<(Cow<'a, str>, PrincipalType), String> {
    match (
        ui.identity_provider.non_empty(),
        ui.user_name.non_empty().or(ui.principal_id.non_empty()),
    ) {
        (Some(idp), Some(user)) => Ok((Cow::Owned(format!("{scheme}:{idp}/{user}")), ty)),
        (None, Some(user)) => Ok((Cow::Owned(format!("{scheme}:{user}")), ty)),
        _ => Err(format!("`{ty}` identity has no `userName` or `principalId`")),
    }
}

/// `arn:aws:sts::111:assumed-role/Name/session` → `arn:aws:iam::111:role/Name` (the path is not in it).
pub(crate) fn role_from_assumed_role_arn(arn: &str) -> Option<String> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("sts"), Some(_region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let role = resource.strip_prefix("assumed-role/")?.split('/').next()?;
    (!role.is_empty()).then(|| format!("arn:{partition}:iam::{account}:role/{role}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Record;

    fn principal(json: &str) -> Result<(String, PrincipalType), String> {
        let text = format!("{{\"userIdentity\":{json}}}");
        let rec: Record<'_> = serde_json::from_str(&text).unwrap();
        let Obj::Some(ev) = rec else { panic!() };
        let Obj::Some(ui) = ev.user_identity else { panic!() };
        resolve(&ui, "aws").map(|(a, t)| (a.into_owned(), t))
    }

    #[test]
    fn sso_role_keeps_its_path() {
        let (arn, ty) = principal(
            r#"{"type":"AssumedRole","arn":"arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_1/u",
               "sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_1"}}}"#,
        )
        .unwrap();
        assert_eq!(
            arn,
            "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_1"
        );
        assert_eq!(ty, PrincipalType::AssumedRole);
    }

    #[test]
    fn assumed_role_without_issuer_is_rebuilt() {
        let (arn, _) =
            principal(r#"{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/app/i-123"}"#).unwrap();
        assert_eq!(arn, "arn:aws:iam::1:role/app");
    }

    #[test]
    fn kinds() {
        assert_eq!(
            principal(r#"{"accountId":"1","invokedBy":"secretsmanager.amazonaws.com"}"#).unwrap(),
            (
                "service:secretsmanager.amazonaws.com".into(),
                PrincipalType::AWSService
            )
        );
        assert_eq!(
            principal(r#"{"type":"IAMUser","accountId":"123","userName":"bert"}"#)
                .unwrap()
                .0,
            "arn:aws:iam::123:user/bert"
        );
        assert_eq!(
            principal(r#"{"type":"AWSAccount","accountId":"ANONYMOUS_PRINCIPAL"}"#).unwrap(),
            (ANONYMOUS.into(), PrincipalType::Anonymous)
        );
        assert_eq!(
            principal(r#"{"type":"AWSAccount","accountId":"222233334444"}"#)
                .unwrap()
                .0,
            "arn:aws:iam::222233334444:root"
        );
        assert_eq!(
            principal(r#"{"type":"Root","accountId":"1"}"#).unwrap().0,
            "arn:aws:iam::1:root"
        );
        assert!(principal(r#"{"type":"IAMUser"}"#).is_err());
        assert!(principal(r#"{}"#).is_err());
    }
}
