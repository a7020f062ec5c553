//! The national clouds and the API versions a client can address.

/// A Microsoft Graph national cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Cloud {
    /// `https://graph.microsoft.com` (the default).
    #[default]
    Global,
    /// US Government L4: `https://graph.microsoft.us`.
    UsGov,
    /// US Government L5 (DoD): `https://dod-graph.microsoft.us`.
    UsGovDod,
    /// Microsoft Graph China operated by 21Vianet: `https://microsoftgraph.chinacloudapi.cn`.
    China,
}

impl Cloud {
    /// The cloud's Graph endpoint, without a version.
    pub fn endpoint(self) -> &'static str {
        match self {
            Cloud::Global => crate::origin::GLOBAL_ENDPOINT,
            Cloud::UsGov => crate::origin::US_GOV_ENDPOINT,
            Cloud::UsGovDod => crate::origin::US_GOV_DOD_ENDPOINT,
            Cloud::China => crate::origin::CHINA_ENDPOINT,
        }
    }

    /// The scope an app-only or pre-consented token is requested for (`{endpoint}/.default`).
    pub fn default_scope(self) -> String {
        format!("{}/.default", self.endpoint())
    }

    /// The cloud's sign-in authority for `tenant` (`login.microsoftonline.com`,
    /// `login.microsoftonline.us`, `login.chinacloudapi.cn`).
    ///
    /// # Errors
    /// When `tenant` is not one path segment.
    #[cfg(feature = "signin")]
    pub fn authority(self, tenant: &str) -> Result<crate::auth::signin::Authority, crate::Error> {
        crate::auth::signin::Authority::for_graph(self.endpoint(), tenant)
    }
}

/// The Graph API version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ApiVersion {
    /// `v1.0` (the default): stable.
    #[default]
    V1,
    /// `beta`: preview APIs that may change.
    Beta,
}

impl ApiVersion {
    /// The version's path segment.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }
}
