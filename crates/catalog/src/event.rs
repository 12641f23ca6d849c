//! The input and output of [`Catalog::map_event`](crate::Catalog::map_event).

/// The parts of one CloudTrail event the mapping needs, borrowed from the decoded record.
#[derive(Debug, Clone, Copy)]
pub struct EventRef<'a> {
    /// `eventSource` (`s3.amazonaws.com`).
    pub event_source: &'a str,
    /// `eventName`, raw: it may carry an API-version suffix (`Invoke20150331`).
    pub event_name: &'a str,
    /// `eventType` (`AwsApiCall`, `AwsServiceEvent`, `AwsConsoleSignIn`, ...).
    pub event_type: Option<&'a str>,
    /// The partition (`aws`, `aws-cn`, `aws-us-gov`): derive it from the region or ARNs; `aws` by default.
    pub partition: &'a str,
    /// `awsRegion`.
    pub region: Option<&'a str>,
    /// `recipientAccountId`, else `userIdentity.accountId`.
    pub account: Option<&'a str>,
    /// `requestParameters`.
    pub request_parameters: Option<&'a serde_json::Value>,
    /// `responseElements`.
    pub response_elements: Option<&'a serde_json::Value>,
    /// The event's `resources` array, when present.
    pub resources: &'a [EventResource<'a>],
    /// `errorCode`.
    pub error_code: Option<&'a str>,
}

impl<'a> EventRef<'a> {
    /// An event with only its source and name set (partition `aws`, nothing else): handy in tests and lookups.
    pub fn new(event_source: &'a str, event_name: &'a str) -> Self {
        EventRef {
            event_source,
            event_name,
            event_type: None,
            partition: "aws",
            region: None,
            account: None,
            request_parameters: None,
            response_elements: None,
            resources: &[],
            error_code: None,
        }
    }
}

/// One entry of an event's `resources` array.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventResource<'a> {
    /// `ARN`.
    pub arn: Option<&'a str>,
    /// `type` (`AWS::S3::Object`).
    pub resource_type: Option<&'a str>,
    /// `accountId`.
    pub account_id: Option<&'a str>,
}

/// What an event needed in IAM terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventMapping {
    /// One or more actions (several for `CopyObject`, `ReEncrypt`, an implied `iam:PassRole`).
    Mapped(Vec<MappedAction>),
    /// The call needs no IAM permission (`ConsoleLogin`, `CheckMfa`, AWS service events, `GetCallerIdentity`).
    NoPermissionNeeded {
        /// Why, in a few words.
        reason: &'static str,
    },
    /// Neither the API map nor the catalog knows the call: report it as unmapped.
    Unmapped,
}

impl EventMapping {
    /// The mapped actions, empty unless [`EventMapping::Mapped`].
    pub fn actions(&self) -> &[MappedAction] {
        match self {
            EventMapping::Mapped(actions) => actions,
            _ => &[],
        }
    }
}

/// One action an event needed, with the resources it was used on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedAction {
    /// The action in its canonical spelling (`s3:GetObject`).
    pub action: String,
    /// Where the event → action edge came from.
    pub provenance: Provenance,
    /// Resource ARNs, from the event's `resources` or built from its parameters; empty when none could be built
    /// (the action then counts with resource `*`). Sorted, deduplicated, never with an unfilled `${...}`.
    pub resources: Vec<String>,
}

/// Where an event → action edge came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provenance {
    /// The API → IAM action map (iam-dataset `map.json`).
    ApiMap,
    /// No map entry: the catalog has an action of the same name as the event.
    CatalogSameName,
    /// A documented override in this crate (`crates/catalog/src/overrides.rs`), by id.
    Override(&'static str),
    /// Implied by the request (`iam:PassRole` for a role ARN passed to a service), with the reason's id.
    Implied(&'static str),
}

impl Provenance {
    /// A short stable label: `api-map`, `catalog-same-name`, `override:<id>`, `implied:<id>`.
    pub fn label(&self) -> String {
        match self {
            Provenance::ApiMap => "api-map".to_owned(),
            Provenance::CatalogSameName => "catalog-same-name".to_owned(),
            Provenance::Override(id) => format!("override:{id}"),
            Provenance::Implied(id) => format!("implied:{id}"),
        }
    }
}
