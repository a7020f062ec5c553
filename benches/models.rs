//! Model (de)serialisation cost against plain serde, in one run:
//!
//! - a 40-property entity encoded and decoded with `#[graph_entity]` versus the same struct with
//!   `#[derive(Serialize, Deserialize)]` (goal ≤ 1.10×);
//! - a 10,000-element polymorphic collection decoded with a `#[graph_complex(abstract)]` enum (streams
//!   when `@odata.type` comes first) versus serde's internally tagged enum, which buffers every
//!   element (goal ≥ 1.5× faster).
//!
//! `python3 benches/ratios.py models` runs it and prints the ratios.

use std::sync::LazyLock;

use divan::black_box;
use graph_odata::wire::RawObject;
use graph_odata::{graph_complex, graph_entity};
use serde::{Deserialize, Serialize};

#[allow(dead_code)]
fn main() {
    divan::main();
}

/// Declares the same 40 properties twice: once as a graph-odata entity, once with serde derives.
macro_rules! twin_structs {
    (required { $($r:ident: $rt:ty),* $(,)? } optional { $($o:ident: $ot:ty),* $(,)? }) => {
        // A made-up type, measured for speed: there is no schema to check it against.
        #[graph_entity("contoso.bench.record", unchecked)]
        #[derive(Debug, PartialEq)]
        pub struct GraphRecord {
            $(pub $r: $rt,)*
            $(pub $o: Option<$ot>,)*
        }

        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct SerdeRecord {
            $(pub $r: $rt,)*
            $(#[serde(default, skip_serializing_if = "Option::is_none")] pub $o: Option<$ot>,)*
        }
    };
}

twin_structs! {
    required {
        id: String, display_name: String, created_by: String, status: String, priority: i32,
        is_archived: bool, size: i64, score: f64, owner_id: String, tenant_id: String,
    }
    optional {
        description: String, web_url: String, external_id: String, application_name: String,
        category: String, color: String, department: String, office_location: String,
        mail: String, mail_nickname: String, job_title: String, company_name: String,
        city: String, country: String, postal_code: String, state: String, street_address: String,
        usage_location: String, preferred_language: String, employee_id: String,
        business_phones: Vec<String>, other_mails: Vec<String>, proxy_addresses: Vec<String>,
        im_addresses: Vec<String>, age_group: String, consent_provided_for_minor: String,
        legal_age_group_classification: String, user_type: String, creation_type: String,
        on_premises_sam_account_name: String,
    }
}

pub static RECORD_JSON: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut o = serde_json::Map::new();
    for (i, name) in [
        "id",
        "displayName",
        "createdBy",
        "status",
        "ownerId",
        "tenantId",
        "description",
        "webUrl",
        "externalId",
        "applicationName",
        "category",
        "color",
        "department",
        "officeLocation",
        "mail",
        "mailNickname",
        "jobTitle",
        "companyName",
        "city",
        "country",
        "postalCode",
        "state",
        "streetAddress",
        "usageLocation",
        "preferredLanguage",
        "employeeId",
        "ageGroup",
        "consentProvidedForMinor",
        "legalAgeGroupClassification",
        "userType",
        "creationType",
        "onPremisesSamAccountName",
    ]
    .iter()
    .enumerate()
    {
        o.insert((*name).into(), format!("value {i} of {name}").into());
    }
    o.insert("priority".into(), 3.into());
    o.insert("isArchived".into(), false.into());
    o.insert("size".into(), 9_007_199_254_740_993i64.into());
    o.insert("score".into(), 0.75.into());
    for list in [
        "businessPhones",
        "otherMails",
        "proxyAddresses",
        "imAddresses",
    ] {
        o.insert(
            list.into(),
            serde_json::json!(["+1 425 555 0100", "SMTP:a@contoso.com"]),
        );
    }
    serde_json::to_vec(&o).expect("json")
});

pub static GRAPH_RECORD: LazyLock<GraphRecord> =
    LazyLock::new(|| serde_json::from_slice(&RECORD_JSON).expect("decodes"));
pub static SERDE_RECORD: LazyLock<SerdeRecord> =
    LazyLock::new(|| serde_json::from_slice(&RECORD_JSON).expect("decodes"));

mod entity_decode {
    use super::*;

    #[divan::bench]
    fn graph_odata() -> GraphRecord {
        serde_json::from_slice(black_box(&RECORD_JSON)).expect("decodes")
    }

    #[divan::bench]
    fn serde_derive() -> SerdeRecord {
        serde_json::from_slice(black_box(&RECORD_JSON)).expect("decodes")
    }
}

mod entity_encode {
    use super::*;

    #[divan::bench]
    fn graph_odata() -> Vec<u8> {
        serde_json::to_vec(black_box(&*GRAPH_RECORD)).expect("encodes")
    }

    #[divan::bench]
    fn serde_derive() -> Vec<u8> {
        serde_json::to_vec(black_box(&*SERDE_RECORD)).expect("encodes")
    }
}

// ---- polymorphic collection -----------------------------------------------------------------------

#[graph_complex("microsoft.graph.identitySource", abstract)]
#[allow(clippy::enum_variant_names)]
pub enum GraphSource {
    Tenant(Tenant),
    Domain(Domain),
    Federation(Federation),
    #[graph(other)]
    Other(RawObject),
}

#[graph_complex("microsoft.graph.azureActiveDirectoryTenant", base = GraphSource)]
pub struct Tenant {
    pub display_name: Option<String>,
    pub tenant_id: Option<String>,
}

#[graph_complex("microsoft.graph.domainIdentitySource", base = GraphSource)]
pub struct Domain {
    pub display_name: Option<String>,
    pub domain_name: Option<String>,
}

#[graph_complex("microsoft.graph.externalDomainFederation", base = GraphSource)]
pub struct Federation {
    pub display_name: Option<String>,
    pub domain_name: Option<String>,
    pub issuer_uri: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "@odata.type")]
#[allow(dead_code, clippy::enum_variant_names)]
pub enum SerdeSource {
    #[serde(rename = "#microsoft.graph.azureActiveDirectoryTenant")]
    Tenant(SerdeTenant),
    #[serde(rename = "#microsoft.graph.domainIdentitySource")]
    Domain(SerdeDomain),
    #[serde(rename = "#microsoft.graph.externalDomainFederation")]
    Federation(SerdeFederation),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SerdeTenant {
    display_name: Option<String>,
    tenant_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SerdeDomain {
    display_name: Option<String>,
    domain_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SerdeFederation {
    display_name: Option<String>,
    domain_name: Option<String>,
    issuer_uri: Option<String>,
}

/// 10,000 identity sources, `@odata.type` first as Graph writes it.
pub static SOURCES_JSON: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let items: Vec<serde_json::Value> = (0..10_000)
        .map(|i| match i % 3 {
            0 => serde_json::json!({"@odata.type": "#microsoft.graph.azureActiveDirectoryTenant",
                "displayName": format!("Tenant {i}"), "tenantId": format!("7e1b{i:08}-0000-4000-8000-000000000000")}),
            1 => serde_json::json!({"@odata.type": "#microsoft.graph.domainIdentitySource",
                "displayName": format!("Domain {i}"), "domainName": format!("d{i}.contoso.com")}),
            _ => serde_json::json!({"@odata.type": "#microsoft.graph.externalDomainFederation",
                "displayName": format!("Federation {i}"), "domainName": format!("f{i}.fabrikam.com"),
                "issuerUri": format!("https://sts.f{i}.fabrikam.com/adfs/services/trust")}),
        })
        .collect();
    serde_json::to_vec(&items).expect("json")
});

mod polymorphic_decode_10k {
    use super::*;

    #[divan::bench]
    fn graph_odata() -> Vec<GraphSource> {
        serde_json::from_slice(black_box(&SOURCES_JSON)).expect("decodes")
    }

    #[divan::bench]
    fn serde_tagged() -> Vec<SerdeSource> {
        serde_json::from_slice(black_box(&SOURCES_JSON)).expect("decodes")
    }
}

// ---- a collection of larger derived values (directoryObject members: users and groups) ------------

#[graph_entity("microsoft.graph.directoryObject")]
pub enum GraphMember {
    User(User),
    Group(Group),
    #[graph(other)]
    Other(RawObject),
}

#[graph_entity("microsoft.graph.user", base = GraphMember)]
pub struct User {
    #[graph(key)]
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub mail: Option<String>,
    pub user_principal_name: Option<String>,
    pub job_title: Option<String>,
    pub office_location: Option<String>,
    pub mobile_phone: Option<String>,
    pub business_phones: Option<Vec<String>>,
    pub preferred_language: Option<String>,
    pub account_enabled: Option<bool>,
}

#[graph_entity("microsoft.graph.group", base = GraphMember)]
pub struct Group {
    #[graph(key)]
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub mail: Option<String>,
    pub mail_enabled: Option<bool>,
    pub mail_nickname: Option<String>,
    pub security_enabled: Option<bool>,
    pub group_types: Option<Vec<String>>,
    pub visibility: Option<String>,
    pub created_date_time: Option<graph_odata::edm::DateTimeOffset>,
}

#[derive(Deserialize)]
#[serde(tag = "@odata.type")]
#[allow(dead_code)]
pub enum SerdeMember {
    #[serde(rename = "#microsoft.graph.user")]
    User(SerdeUser),
    #[serde(rename = "#microsoft.graph.group")]
    Group(SerdeGroup),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SerdeUser {
    id: Option<String>,
    display_name: Option<String>,
    given_name: Option<String>,
    surname: Option<String>,
    mail: Option<String>,
    user_principal_name: Option<String>,
    job_title: Option<String>,
    office_location: Option<String>,
    mobile_phone: Option<String>,
    business_phones: Option<Vec<String>>,
    preferred_language: Option<String>,
    account_enabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SerdeGroup {
    id: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
    mail: Option<String>,
    mail_enabled: Option<bool>,
    mail_nickname: Option<String>,
    security_enabled: Option<bool>,
    group_types: Option<Vec<String>>,
    visibility: Option<String>,
    created_date_time: Option<graph_odata::edm::DateTimeOffset>,
}

/// 10,000 group members as `GET /groups/{id}/members` returns them.
pub static MEMBERS_JSON: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let items: Vec<serde_json::Value> = (0..10_000)
        .map(|i| {
            if i % 4 == 0 {
                serde_json::json!({"@odata.type": "#microsoft.graph.group", "id": format!("02bd9fd6-8f93-4758-87c3-{i:012}"),
                    "displayName": format!("Team {i}"), "description": "Everyone working on the project",
                    "mail": format!("team{i}@contoso.com"), "mailEnabled": true, "mailNickname": format!("team{i}"),
                    "securityEnabled": false, "groupTypes": ["Unified"], "visibility": "Private",
                    "createdDateTime": "2017-01-01T00:03:08.7291689+03:00"})
            } else {
                serde_json::json!({"@odata.type": "#microsoft.graph.user", "id": format!("87d349ed-44d7-43e1-9a83-{i:012}"),
                    "displayName": format!("Adele Vance {i}"), "givenName": "Adele", "surname": "Vance",
                    "mail": format!("adele{i}@contoso.com"), "userPrincipalName": format!("adele{i}@contoso.com"),
                    "jobTitle": "Retail Manager", "officeLocation": "18/2111", "mobilePhone": null,
                    "businessPhones": ["+1 425 555 0109"], "preferredLanguage": "en-US", "accountEnabled": true})
            }
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({"value": items})).expect("json")
});

#[derive(Deserialize)]
pub struct Page<T> {
    pub value: Vec<T>,
}

mod polymorphic_members_10k {
    use super::*;

    #[divan::bench]
    fn graph_odata() -> Page<GraphMember> {
        serde_json::from_slice(black_box(&MEMBERS_JSON)).expect("decodes")
    }

    #[divan::bench]
    fn serde_tagged() -> Page<SerdeMember> {
        serde_json::from_slice(black_box(&MEMBERS_JSON)).expect("decodes")
    }
}
