//! The types and operations of five Graph operations (create a To Do task's `linkedResource`,
//! `driveItem: createLink`, create an `externalConnection`, create a `connectedOrganization`, with the
//! beta forms their documentation pages once showed), and the To Do list the task lives in, declared
//! as a user would from today's Graph v1.0 metadata. Each struct also keeps the `@odata.type` it was read with, so the documentation's examples
//! (which annotate even base types) re-encode unchanged.
#![allow(dead_code)]

#[cfg(not(test))]
pub mod run;

use graph_odata::prelude::*;
use graph_odata::wire::RawObject;

// ---- a. todoTask linkedResources -------------------------------------------------------------

/// `microsoft.graph.linkedResource`: today's v1.0 routes and the beta page's form.
/// The v1.0 routes and properties are checked against Graph v1.0; the beta line is not (no
/// beta schema is built in, and no beta schema we have still has it): `unchecked = "beta"`.
#[graph_entity(
    unchecked = "beta",
    create = "POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
    create_for_user = "POST /users/{id|userPrincipalName}/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
    get = "GET /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources/{linkedResourceId}",
    list = "GET /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
    update = "PATCH /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources/{linkedResourceId}",
    delete = "DELETE /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources/{linkedResourceId}",
    create_beta = "POST https://graph.microsoft.com/beta/linkedResources"
)]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkedResource {
    #[graph(odata_type)]
    pub odata_type: Option<String>,
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub application_name: Option<String>,
    pub display_name: Option<String>,
    pub external_id: Option<String>,
    pub web_url: Option<String>,
}

// ---- a. todoTaskList: where the linked resource's task lives ---------------------------------------

/// `microsoft.graph.todoTaskList`: the list the quickstart makes its task in.
#[graph_entity(
    create = "POST /me/todo/lists",
    list = "GET /me/todo/lists",
    get = "GET /me/todo/lists/{todoTaskListId}",
    delete = "DELETE /me/todo/lists/{todoTaskListId}"
)]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TodoTaskList {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub display_name: Option<String>,
}

// ---- c. createLink → permission ------------------------------------------------------------------

/// `microsoft.graph.permission`
#[graph_entity]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Permission {
    #[graph(odata_type)]
    pub odata_type: Option<String>,
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub expiration_date_time: Option<DateTimeOffset>,
    pub granted_to: Option<IdentitySet>,
    pub granted_to_identities: Option<Vec<IdentitySet>>,
    pub granted_to_identities_v2: Option<Vec<SharePointIdentitySet>>,
    pub granted_to_v2: Option<SharePointIdentitySet>,
    pub has_password: Option<bool>,
    pub inherited_from: Option<ItemReference>,
    pub invitation: Option<SharingInvitation>,
    pub link: Option<SharingLink>,
    pub roles: Option<Vec<String>>,
    pub share_id: Option<String>,
}

/// `microsoft.graph.identitySet` (open: unknown members are kept).
#[graph_complex]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdentitySet {
    #[graph(odata_type)]
    pub odata_type: Option<String>,
    pub application: Option<Identity>,
    pub device: Option<Identity>,
    pub user: Option<Identity>,
    #[graph(extra)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `microsoft.graph.sharePointIdentitySet`, derived from identitySet.
#[graph_complex(base = IdentitySet)]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SharePointIdentitySet {
    pub application: Option<Identity>,
    pub device: Option<Identity>,
    pub user: Option<Identity>,
    pub group: Option<Identity>,
    pub share_point_group: Option<SharePointGroupIdentity>,
    pub site_group: Option<SharePointIdentity>,
    pub site_user: Option<SharePointIdentity>,
}

/// `microsoft.graph.identity` (open).
#[graph_complex]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Identity {
    pub display_name: Option<String>,
    pub id: Option<String>,
    #[graph(extra)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `microsoft.graph.sharePointIdentity`, derived from identity.
#[graph_complex(base = "microsoft.graph.identity")]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SharePointIdentity {
    pub display_name: Option<String>,
    pub id: Option<String>,
    pub login_name: Option<String>,
}

/// `microsoft.graph.sharePointGroupIdentity`, derived from identity.
#[graph_complex(base = "microsoft.graph.identity")]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SharePointGroupIdentity {
    pub display_name: Option<String>,
    pub id: Option<String>,
    pub principal_id: Option<String>,
    pub title: Option<String>,
}

/// `microsoft.graph.sharingLink`
#[graph_complex]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SharingLink {
    #[graph(odata_type)]
    pub odata_type: Option<String>,
    pub application: Option<Identity>,
    pub prevents_download: Option<bool>,
    pub scope: Option<String>,
    pub r#type: Option<String>,
    pub web_html: Option<String>,
    pub web_url: Option<String>,
}

/// `microsoft.graph.driveRecipient`
#[graph_complex]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DriveRecipient {
    #[graph(odata_type)]
    pub odata_type: Option<String>,
    pub alias: Option<String>,
    pub email: Option<String>,
    pub object_id: Option<String>,
}

/// `microsoft.graph.itemReference`
#[graph_complex]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemReference {
    #[graph(odata_type)]
    pub odata_type: Option<String>,
    pub drive_id: Option<String>,
    pub drive_type: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
    pub path: Option<String>,
    pub share_id: Option<String>,
    pub sharepoint_ids: Option<SharepointIds>,
    pub site_id: Option<String>,
}

/// `microsoft.graph.sharepointIds`
#[graph_complex]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SharepointIds {
    pub list_id: Option<String>,
    pub list_item_id: Option<String>,
    pub list_item_unique_id: Option<String>,
    pub site_id: Option<String>,
    pub site_url: Option<String>,
    pub tenant_id: Option<String>,
    pub web_id: Option<String>,
}

/// `microsoft.graph.sharingInvitation`
#[graph_complex]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SharingInvitation {
    #[graph(odata_type)]
    pub odata_type: Option<String>,
    pub email: Option<String>,
    pub invited_by: Option<IdentitySet>,
    pub redeemed_by: Option<String>,
    pub sign_in_required: Option<bool>,
}

/// `microsoft.graph.createLink`, bound to driveItem (and listItem): the 23 paths of its 2021 beta page,
/// written as beta URLs because that page is beta (15 of them are gone from v1.0), and today's
/// documented v1.0 paths. The v1.0 paths, parameters and return type are checked; the page's beta
/// URLs are not (`unchecked = "beta"`: Graph beta is not built in).
#[graph_action(
    unchecked = "beta",
    returns = Permission,
    bound = "microsoft.graph.driveItem",
    paths = [
        "POST https://graph.microsoft.com/beta/drives/{drivesId}/root/createLink",
        "POST https://graph.microsoft.com/beta/shares/{sharesId}/root/createLink",
        "POST https://graph.microsoft.com/beta/workbooks/{workbooksId}/createLink",
        "POST https://graph.microsoft.com/beta/shares/{sharesId}/driveItem/createLink",
        "POST https://graph.microsoft.com/beta/me/joinedGroups/{groupId}/drive/root/createLink",
        drives_items_beta = "POST https://graph.microsoft.com/beta/drives/{drivesId}/items/{driveItemId}/createLink",
        "POST https://graph.microsoft.com/beta/shares/{sharesId}/items/{driveItemId}/createLink",
        "POST https://graph.microsoft.com/beta/drives/{drivesId}/bundles/{driveItemId}/createLink",
        "POST https://graph.microsoft.com/beta/drives/{drivesId}/special/{driveItemId}/createLink",
        "POST https://graph.microsoft.com/beta/drives/{drivesId}/following/{driveItemId}/createLink",
        "POST https://graph.microsoft.com/beta/workbooks/{workbooksId}/children/{driveItemId}/createLink",
        "POST https://graph.microsoft.com/beta/me/joinedGroups/{groupId}/drive/items/{driveItemId}/createLink",
        "POST https://graph.microsoft.com/beta/me/joinedGroups/{groupId}/drive/bundles/{driveItemId}/createLink",
        "POST https://graph.microsoft.com/beta/me/joinedGroups/{groupId}/drive/special/{driveItemId}/createLink",
        "POST https://graph.microsoft.com/beta/me/joinedGroups/{groupId}/drive/following/{driveItemId}/createLink",
        "POST https://graph.microsoft.com/beta/me/joinedGroups/{groupId}/team/channels/{channelId}/filesFolder/createLink",
        "POST https://graph.microsoft.com/beta/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/createLink",
        "POST https://graph.microsoft.com/beta/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/listItem/driveItem/createLink",
        "POST https://graph.microsoft.com/beta/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/children/{driveItemId}/createLink",
        "POST https://graph.microsoft.com/beta/me/joinedGroups/{groupId}/sites/{siteId}/items/{baseItemId}/microsoft.graph.sharedDriveItem/root/createLink",
        "POST https://graph.microsoft.com/beta/me/joinedGroups/{groupId}/sites/{siteId}/items/{baseItemId}/microsoft.graph.sharedDriveItem/driveItem/createLink",
        "POST https://graph.microsoft.com/beta/me/joinedGroups/{groupId}/sites/{siteId}/items/{baseItemId}/microsoft.graph.sharedDriveItem/items/{driveItemId}/createLink",
        "POST https://graph.microsoft.com/beta/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/analytics/itemActivityStats/{itemActivityStatId}/activities/{itemActivityId}/driveItem/createLink",
        "POST /drives/{driveId}/items/{itemId}/createLink",
        "POST /groups/{groupId}/drive/items/{itemId}/createLink",
        "POST /me/drive/items/{itemId}/createLink",
        "POST /sites/{siteId}/drive/items/{itemId}/createLink",
        "POST /users/{userId}/drive/items/{itemId}/createLink",
        "POST /sites/{siteId}/lists/{listId}/items/{listItemId}/createLink",
    ],
)]
#[derive(Clone, Default)]
pub struct CreateLink {
    pub r#type: String,
    pub scope: Option<String>,
    pub expiration_date_time: Option<DateTimeOffset>,
    #[graph(secret)]
    pub password: Option<String>,
    pub message: Option<String>,
    pub recipients: Option<Vec<DriveRecipient>>,
    pub retain_inherited_permissions: Option<bool>,
    pub send_notification: Option<bool>,
}

/// The body of the beta createLink page's request (beta parameters). Not a type of any schema
/// (an action's parameters travel as a plain object), hence `unchecked`.
#[graph_complex("graphodata.examples.createLinkParameters", unchecked)]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreateLinkBody {
    pub r#type: Option<String>,
    pub scope: Option<String>,
    pub expiration_date_time: Option<DateTimeOffset>,
    pub password: Option<String>,
    pub message: Option<String>,
    pub recipients: Option<Vec<DriveRecipient>>,
}

// ---- d. externalConnection (namespace microsoft.graph.externalConnectors) ---------------------------

/// `microsoft.graph.externalConnectors.externalConnection`; the client chooses the id. Today's route
/// and the beta page's top-level set (still in v1.0).
#[graph_entity(
    "microsoft.graph.externalConnectors.externalConnection",
    create = "POST /external/connections",
    create_top_level = "POST /connections",
    get = "GET /external/connections/{externalConnectionId}",
    delete = "DELETE /external/connections/{externalConnectionId}"
)]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExternalConnection {
    #[graph(odata_type)]
    pub odata_type: Option<String>,
    #[graph(key)]
    pub id: Option<String>,
    pub activity_settings: Option<ActivitySettings>,
    pub configuration: Option<Configuration>,
    pub connector_id: Option<String>,
    pub content_category: Option<ContentCategory>,
    pub description: Option<String>,
    pub name: Option<String>,
    pub search_settings: Option<SearchSettings>,
    #[graph(read_only)]
    pub state: Option<ConnectionState>,
}

/// `microsoft.graph.externalConnectors.configuration` (open: the beta page's `authorizedApps` is kept).
#[graph_complex(namespace = "microsoft.graph.externalConnectors")]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Configuration {
    #[graph(odata_type)]
    pub odata_type: Option<String>,
    pub authorized_app_ids: Option<Vec<String>>,
    #[graph(extra)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `microsoft.graph.externalConnectors.activitySettings`
#[graph_complex(namespace = "microsoft.graph.externalConnectors")]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActivitySettings {
    pub url_to_item_resolvers: Option<Vec<UrlToItemResolverBase>>,
}

/// `microsoft.graph.externalConnectors.urlToItemResolverBase` (abstract).
#[graph_complex(namespace = "microsoft.graph.externalConnectors", abstract)]
#[derive(Debug, Clone, PartialEq)]
pub enum UrlToItemResolverBase {
    ItemIdResolver(ItemIdResolver),
    #[graph(other)]
    Other(RawObject),
}

/// `microsoft.graph.externalConnectors.itemIdResolver`
#[graph_complex(namespace = "microsoft.graph.externalConnectors", base = UrlToItemResolverBase)]
#[derive(Debug, Clone, PartialEq)]
pub struct ItemIdResolver {
    pub priority: Option<i32>,
    pub item_id: String,
    pub url_match_info: Option<UrlMatchInfo>,
}

/// `microsoft.graph.externalConnectors.urlMatchInfo`
#[graph_complex(namespace = "microsoft.graph.externalConnectors")]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UrlMatchInfo {
    pub base_urls: Option<Vec<String>>,
    pub url_pattern: Option<String>,
}

/// `microsoft.graph.externalConnectors.searchSettings`
#[graph_complex(namespace = "microsoft.graph.externalConnectors")]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchSettings {
    pub search_result_templates: Option<Vec<DisplayTemplate>>,
}

/// `microsoft.graph.externalConnectors.displayTemplate`; `layout` is `Edm.Untyped` (an Adaptive Card).
#[graph_complex(namespace = "microsoft.graph.externalConnectors")]
#[derive(Debug, Clone, PartialEq)]
pub struct DisplayTemplate {
    pub id: String,
    pub layout: serde_json::Value,
    pub priority: i32,
    pub rules: Option<Vec<PropertyRule>>,
}

/// `microsoft.graph.externalConnectors.propertyRule`
#[graph_complex(namespace = "microsoft.graph.externalConnectors")]
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyRule {
    pub operation: RuleOperation,
    pub property: String,
    pub values: Vec<String>,
    pub values_joined_by: BinaryOperator,
}

/// `microsoft.graph.externalConnectors.ruleOperation`
#[graph_enum(namespace = "microsoft.graph.externalConnectors")]
#[derive(Debug, Clone, PartialEq)]
pub enum RuleOperation {
    Null,
    Equals,
    NotEquals,
    Contains,
    NotContains,
    LessThan,
    GreaterThan,
    StartsWith,
    UnknownFutureValue,
    #[graph(other)]
    Other(String),
}

/// `microsoft.graph.binaryOperator`
#[graph_enum]
#[derive(Debug, Clone, PartialEq)]
pub enum BinaryOperator {
    Or,
    And,
    #[graph(other)]
    Other(String),
}

/// `microsoft.graph.externalConnectors.contentCategory`
#[graph_enum(namespace = "microsoft.graph.externalConnectors")]
#[derive(Debug, Clone, PartialEq)]
pub enum ContentCategory {
    Uncategorized,
    KnowledgeBase,
    Wikis,
    FileRepository,
    Qna,
    Crm,
    Dashboard,
    People,
    Media,
    Email,
    Messaging,
    MeetingTranscripts,
    TaskManagement,
    LearningManagement,
    UnknownFutureValue,
    #[graph(other)]
    Other(String),
}

/// `microsoft.graph.externalConnectors.connectionState`
#[graph_enum(namespace = "microsoft.graph.externalConnectors")]
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectionState {
    Draft,
    Ready,
    Obsolete,
    LimitExceeded,
    UnknownFutureValue,
    #[graph(other)]
    Other(String),
}

// ---- e. connectedOrganization --------------------------------------------------------------------

/// `microsoft.graph.connectedOrganization` as v1.0 declares it.
#[graph_entity(
    create = "POST /identityGovernance/entitlementManagement/connectedOrganizations",
    get = "GET /identityGovernance/entitlementManagement/connectedOrganizations/{connectedOrganizationId}",
    list = "GET /identityGovernance/entitlementManagement/connectedOrganizations",
    update = "PATCH /identityGovernance/entitlementManagement/connectedOrganizations/{connectedOrganizationId}"
)]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConnectedOrganization {
    #[graph(odata_type)]
    pub odata_type: Option<String>,
    #[graph(key, read_only)]
    pub id: Option<String>,
    #[graph(read_only)]
    pub created_date_time: Option<DateTimeOffset>,
    pub description: Option<String>,
    pub display_name: Option<String>,
    pub identity_sources: Option<Vec<IdentitySource>>,
    #[graph(read_only)]
    pub modified_date_time: Option<DateTimeOffset>,
    pub state: Option<ConnectedOrganizationState>,
}

/// The beta create-connectedOrganization page's shape: it also has `createdBy`/`modifiedBy`, and its example writes
/// placeholder text where timestamps go (hence `String`, and `unchecked = "beta"`: this is the
/// page's shape, not today's beta schema).
#[graph_entity(
    "microsoft.graph.connectedOrganization",
    version = "beta",
    unchecked = "beta",
    create = "POST /connectedOrganizations"
)]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConnectedOrganizationBetaForm {
    #[graph(odata_type)]
    pub odata_type: Option<String>,
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub created_by: Option<String>,
    #[graph(read_only)]
    pub created_date_time: Option<String>,
    pub modified_by: Option<String>,
    #[graph(read_only)]
    pub modified_date_time: Option<String>,
    pub identity_sources: Option<Vec<IdentitySource>>,
}

/// `microsoft.graph.identitySource` (abstract: every element names its derived type).
#[graph_complex(abstract)]
#[derive(Debug, Clone, PartialEq)]
pub enum IdentitySource {
    AzureActiveDirectoryTenant(AzureActiveDirectoryTenant),
    CrossCloudAzureActiveDirectoryTenant(CrossCloudAzureActiveDirectoryTenant),
    DomainIdentitySource(DomainIdentitySource),
    ExternalDomainFederation(ExternalDomainFederation),
    SocialIdentitySource(SocialIdentitySource),
    #[graph(other)]
    Other(RawObject),
}

/// `microsoft.graph.azureActiveDirectoryTenant`
#[graph_complex(base = IdentitySource)]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AzureActiveDirectoryTenant {
    pub display_name: Option<String>,
    pub tenant_id: Option<String>,
}

/// `microsoft.graph.crossCloudAzureActiveDirectoryTenant`
#[graph_complex(base = IdentitySource)]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CrossCloudAzureActiveDirectoryTenant {
    pub cloud_instance: String,
    pub display_name: Option<String>,
    pub tenant_id: Option<String>,
}

/// `microsoft.graph.domainIdentitySource`
#[graph_complex(base = IdentitySource)]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DomainIdentitySource {
    pub display_name: Option<String>,
    pub domain_name: Option<String>,
}

/// `microsoft.graph.externalDomainFederation`
#[graph_complex(base = IdentitySource)]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExternalDomainFederation {
    pub display_name: Option<String>,
    pub domain_name: Option<String>,
    pub issuer_uri: Option<String>,
}

/// `microsoft.graph.socialIdentitySource`
#[graph_complex(base = IdentitySource)]
#[derive(Debug, Clone, PartialEq)]
pub struct SocialIdentitySource {
    pub display_name: Option<String>,
    pub social_identity_source_type: SocialIdentitySourceType,
}

/// `microsoft.graph.socialIdentitySourceType`
#[graph_enum]
#[derive(Debug, Clone, PartialEq)]
pub enum SocialIdentitySourceType {
    Facebook,
    UnknownFutureValue,
    #[graph(other)]
    Other(String),
}

/// `microsoft.graph.connectedOrganizationState`
#[graph_enum]
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectedOrganizationState {
    Configured,
    Proposed,
    UnknownFutureValue,
    #[graph(other)]
    Other(String),
}
