//! What pare's emulator-backed tests use: a guard that runs a moto server on 127.0.0.1, a small local
//! CloudTrail endpoint (moto does not implement LookupEvents), SDK clients pointed at an endpoint with the
//! dummy test credentials, and a way to run their futures.
//!
//! Nothing here is used by the product itself; it lives in this crate so that every test that needs the
//! AWS SDK goes through the one crate that links it.

use crate::config;
use crate::AwsOptions;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use aws_sdk_iam;
pub use aws_sdk_s3;

/// The dummy credentials and region the tests give to child processes (never the user's `~/.aws`).
pub const TEST_ENV: [(&str, &str); 3] = [
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
    ("AWS_REGION", "us-east-1"),
];

/// Environment variables a child process must not inherit so that it sees only [`TEST_ENV`].
pub const CLEARED_ENV: [&str; 8] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_DEFAULT_REGION",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ROLE_ARN",
];

/// True when the emulator-backed tests must run (`PARE_REQUIRE_EMULATOR=1`, set by scripts/test.sh and CI):
/// a missing emulator is then a failure rather than a skip.
pub fn emulator_required() -> bool {
    std::env::var("PARE_REQUIRE_EMULATOR").is_ok_and(|v| v == "1")
}

/// The workspace's root (where scripts/setup.sh creates `.venv`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A program from the workspace's venv (`.venv/bin/NAME`), when installed.
pub fn venv_program(name: &str) -> Option<PathBuf> {
    let p = workspace_root().join(".venv/bin").join(name);
    p.is_file().then_some(p)
}

/// Runs a future to completion on the crate's runtime (for test code that drives the SDK clients).
pub fn block_on<F: std::future::Future>(fut: F) -> Result<F::Output, crate::AwsError> {
    config::block_on(fut)
}

/// A moto server on 127.0.0.1 and a free port, killed when dropped.
pub struct MotoServer {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl MotoServer {
    /// The `moto_server` program: `PARE_MOTO_SERVER` when set, else `.venv/bin/moto_server`.
    pub fn program() -> Option<PathBuf> {
        match std::env::var_os("PARE_MOTO_SERVER") {
            Some(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
            None => venv_program("moto_server"),
        }
    }

    /// Starts the server with extra environment variables (e.g. `MOTO_IAM_LOAD_MANAGED_POLICIES=true`)
    /// and waits (up to 60 s) until it answers HTTP.
    pub fn start(program: &Path, env: &[(&str, &str)]) -> Result<Self, String> {
        let port = free_port().map_err(|e| format!("no free port on 127.0.0.1: {e}"))?;
        let log = std::env::temp_dir().join(format!("pare-moto-{}-{port}.log", std::process::id()));
        let log_file =
            std::fs::File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let log_err = log_file.try_clone().map_err(|e| e.to_string())?;
        let mut cmd = Command::new(program);
        cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let mut server = Self { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if http_answers(port) {
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                let out = std::fs::read_to_string(&server.log).unwrap_or_default();
                return Err(format!(
                    "moto_server exited with {status} before answering:\n{out}"
                ));
            }
            if Instant::now() > deadline {
                return Err(format!("moto_server did not answer on port {port} within 60 s"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The server's URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Options that point pare at this server in us-east-1.
    pub fn options(&self) -> AwsOptions {
        AwsOptions {
            region: Some("us-east-1".into()),
            profile: None,
            endpoint_url: Some(self.endpoint()),
        }
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

fn free_port() -> std::io::Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

fn http_answers(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    if s.write_all(b"GET /moto-api/data.json HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf).is_ok() && buf.starts_with(b"HTTP/1.")
}

/// SDK configuration for a test endpoint: the dummy credentials, us-east-1, the endpoint URL.
pub async fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    let opts = AwsOptions {
        region: Some("us-east-1".into()),
        profile: None,
        endpoint_url: Some(endpoint.to_owned()),
    };
    let base = config::load(&opts).await;
    base.into_builder()
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(
            aws_credential_types::Credentials::new("testing", "testing", None, None, "pare-tests"),
        ))
        .build()
}

/// An S3 client for a test endpoint (path-style addressing).
pub async fn s3_client(endpoint: &str) -> aws_sdk_s3::Client {
    let shared = sdk_config(endpoint).await;
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(true)
            .build(),
    )
}

/// An IAM client for a test endpoint.
pub async fn iam_client(endpoint: &str) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&sdk_config(endpoint).await)
}

/// One request a fake endpoint received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// The `X-Amz-Target` header (empty for query-protocol services such as IAM).
    pub target: String,
    /// The request body as JSON (`Null` when it was not JSON).
    pub body: Value,
    /// The request body as text (form-encoded for query-protocol services).
    pub raw: String,
    /// The HTTP status answered.
    pub status: u16,
}

/// One answer of a fake endpoint.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: String,
    error_type: Option<String>,
}

type Handler = dyn Fn(&str, &[u8]) -> Reply + Send + Sync;

/// A minimal HTTP/1.1 server on 127.0.0.1 (keep-alive, Content-Length bodies) that records every request
/// and answers through a handler. Stopped when dropped.
struct FakeServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    accept: Option<JoinHandle<()>>,
}

impl FakeServer {
    fn start(handler: Arc<Handler>) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (stop2, requests2) = (stop.clone(), requests.clone());
        let accept = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (handler, requests) = (handler.clone(), requests2.clone());
                std::thread::spawn(move || serve_connection(conn, &*handler, &requests));
            }
        });
        Ok(Self {
            addr,
            stop,
            requests,
            accept: Some(accept),
        })
    }

    fn requests(&self) -> Vec<RecordedRequest> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

fn serve_connection(conn: TcpStream, handler: &Handler, requests: &Mutex<Vec<RecordedRequest>>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(mut writer) = conn.try_clone() else { return };
    let mut reader = BufReader::new(conn);
    while let Some((target, body)) = read_request(&mut reader) {
        let reply = handler(&target, &body);
        requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(RecordedRequest {
                target,
                body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                raw: String::from_utf8_lossy(&body).into_owned(),
                status: reply.status,
            });
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nx-amzn-RequestId: pare-test\r\n",
            reply.status,
            if reply.status == 200 { "OK" } else { "Bad Request" },
            reply.content_type,
            reply.body.len(),
        );
        if let Some(t) = &reply.error_type {
            head.push_str(&format!("x-amzn-ErrorType: {t}\r\n"));
        }
        head.push_str("\r\n");
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(reply.body.as_bytes()).is_err() {
            return;
        }
        let _ = writer.flush();
    }
}

/// Reads one HTTP/1.1 request; returns its `X-Amz-Target` and body, `None` at end of connection.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, Vec<u8>)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let (mut target, mut length) = (String::new(), 0usize);
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "x-amz-target" => target = v.trim().to_owned(),
                "content-length" => length = v.trim().parse().ok()?,
                _ => {}
            }
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    Some((target, body))
}

/// A local HTTP endpoint that speaks CloudTrail's JSON protocol for `LookupEvents`
/// (`X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents`, JSON 1.1), serving the
/// given CloudTrail records as events in pages of `page_size` linked by `NextToken`, filtered by the request's
/// `StartTime`/`EndTime`. When `throttle_page` is set, the first request for that page (0-based) is
/// answered once with HTTP 400 `ThrottlingException`, as CloudTrail does past its rate limit.
pub struct FakeCloudTrail {
    server: FakeServer,
}

const LOOKUP_TARGET: &str = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";

struct Served {
    event: Value,
    time: f64,
}

impl FakeCloudTrail {
    /// Starts the endpoint on 127.0.0.1 and a free port. `records` are CloudTrail records (objects with
    /// `eventID`, `eventName`, `eventTime`, `eventSource`, ...).
    pub fn start(records: &[Value], page_size: usize, throttle_page: Option<usize>) -> std::io::Result<Self> {
        let served: Vec<Served> = records.iter().map(to_event).collect();
        let page_size = page_size.max(1);
        let throttled = AtomicBool::new(false);
        let handler = move |target: &str, body: &[u8]| {
            let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            let (status, payload) = answer(target, &body, &served, &throttled, page_size, throttle_page);
            let error_type = payload
                .get("__type")
                .and_then(Value::as_str)
                .filter(|_| status != 200)
                .map(str::to_owned);
            Reply {
                status,
                content_type: "application/x-amz-json-1.1",
                body: payload.to_string(),
                error_type,
            }
        };
        Ok(Self {
            server: FakeServer::start(Arc::new(handler))?,
        })
    }

    /// The endpoint's URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.server.requests()
    }
}

/// A local HTTP endpoint that answers IAM `GetAccountAuthorizationDetails` (query protocol, XML) with the
/// given result pages in turn: page `i` is served for `Marker=pare-page-i` (the first without a marker);
/// every page but the last says `IsTruncated` and gives the next marker. Each page is the inner XML of
/// `GetAccountAuthorizationDetailsResult` without `IsTruncated`/`Marker` (as real IAM writes it: policy
/// documents URL-encoded). moto never paginates this call; this proves the SDK paginator is followed.
pub struct FakeIamPages {
    server: FakeServer,
}

impl FakeIamPages {
    /// Starts the endpoint on 127.0.0.1 and a free port.
    pub fn start(pages: Vec<String>) -> std::io::Result<Self> {
        let handler = move |_target: &str, body: &[u8]| {
            let form = String::from_utf8_lossy(body);
            let param = |k: &str| {
                form.split('&').find_map(|kv| {
                    kv.split_once('=')
                        .filter(|(key, _)| *key == k)
                        .map(|(_, v)| v.to_owned())
                })
            };
            let page = match param("Marker") {
                None => Some(0),
                Some(m) => m.strip_prefix("pare-page-").and_then(|n| n.parse::<usize>().ok()),
            };
            let action = param("Action").unwrap_or_default();
            match page.filter(|p| *p < pages.len()).filter(|_| action == "GetAccountAuthorizationDetails") {
                Some(p) => {
                    let more = if p + 1 < pages.len() {
                        format!("<IsTruncated>true</IsTruncated><Marker>pare-page-{}</Marker>", p + 1)
                    } else {
                        "<IsTruncated>false</IsTruncated>".to_owned()
                    };
                    let xml = format!(
                        "<GetAccountAuthorizationDetailsResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
                         <GetAccountAuthorizationDetailsResult>{more}{}</GetAccountAuthorizationDetailsResult>\
                         <ResponseMetadata><RequestId>pare-test</RequestId></ResponseMetadata>\
                         </GetAccountAuthorizationDetailsResponse>",
                        pages[p]
                    );
                    Reply { status: 200, content_type: "text/xml", body: xml, error_type: None }
                }
                None => Reply {
                    status: 400,
                    content_type: "text/xml",
                    body: format!(
                        "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>\
                         <Code>InvalidInput</Code><Message>unexpected request `{form}`</Message></Error>\
                         <RequestId>pare-test</RequestId></ErrorResponse>"
                    ),
                    error_type: None,
                },
            }
        };
        Ok(Self {
            server: FakeServer::start(Arc::new(handler))?,
        })
    }

    /// The endpoint's URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.server.requests()
    }
}

/// A CloudTrail record as LookupEvents returns it: a few top-level fields and the whole record as a string.
fn to_event(record: &Value) -> Served {
    let s = |k: &str| {
        record
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let time = chrono::DateTime::parse_from_rfc3339(&s("eventTime"))
        .map(|t| t.timestamp() as f64)
        .unwrap_or(0.0);
    let ui = record.get("userIdentity");
    let username = ui
        .and_then(|u| u.get("userName").and_then(Value::as_str))
        .or_else(|| {
            ui.and_then(|u| u.get("arn"))
                .and_then(Value::as_str)
                .and_then(|a| a.rsplit('/').next())
        })
        .unwrap_or_default();
    let event = json!({
        "EventId": s("eventID"),
        "EventName": s("eventName"),
        "ReadOnly": record.get("readOnly").map(|v| v.to_string()).unwrap_or_else(|| "false".into()),
        "EventTime": time,
        "EventSource": s("eventSource"),
        "Username": username,
        "Resources": [],
        "CloudTrailEvent": record.to_string(),
    });
    Served { event, time }
}

fn answer(
    target: &str,
    body: &Value,
    served: &[Served],
    throttled: &AtomicBool,
    page_size: usize,
    throttle_page: Option<usize>,
) -> (u16, Value) {
    // The SDK sends the short form (`CloudTrail_20131101.LookupEvents`); the documented form carries the
    // `com.amazonaws.cloudtrail.v20131101.` namespace. The service accepts both.
    if target != LOOKUP_TARGET
        && target != LOOKUP_TARGET.trim_start_matches("com.amazonaws.cloudtrail.v20131101.")
    {
        return (
            400,
            json!({"__type": "UnknownOperationException", "message": format!("unsupported target `{target}`")}),
        );
    }
    let page = match body.get("NextToken").and_then(Value::as_str) {
        None => 0,
        Some(t) => match t.strip_prefix("pare-page-").and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => n,
            None => {
                return (
                    400,
                    json!({"__type": "InvalidNextTokenException", "message": "invalid NextToken"}),
                )
            }
        },
    };
    if throttle_page == Some(page) && !throttled.swap(true, Ordering::SeqCst) {
        return (
            400,
            json!({"__type": "ThrottlingException", "message": "Rate exceeded"}),
        );
    }
    let start = body.get("StartTime").and_then(Value::as_f64);
    let end = body.get("EndTime").and_then(Value::as_f64);
    let matching: Vec<&Value> = served
        .iter()
        .filter(|e| start.is_none_or(|s| e.time >= s) && end.is_none_or(|t| e.time <= t))
        .map(|e| &e.event)
        .collect();
    let size = body
        .get("MaxResults")
        .and_then(Value::as_u64)
        .map_or(page_size, |m| (m as usize).clamp(1, page_size));
    let from = page * size;
    let events: Vec<Value> = matching
        .iter()
        .skip(from)
        .take(size)
        .map(|e| (*e).clone())
        .collect();
    let mut out = json!({ "Events": events });
    if from + size < matching.len() {
        out["NextToken"] = Value::String(format!("pare-page-{}", page + 1));
    }
    (200, out)
}

/// The account moto simulates.
pub const MOTO_ACCOUNT: &str = "123456789012";

/// What [`seed_iam_account`] created, for assertions.
#[derive(Debug, Clone)]
pub struct SeededAccount {
    /// The customer managed policy attached to the group, the user and the role: version `v1` is the default,
    /// `v2` (broader, `s3:*`) is not.
    pub read_policy_arn: String,
    /// The policy used as permissions boundary of the role (moto 5.2.5 has no user boundaries).
    pub boundary_arn: String,
    /// The AWS managed policy attached to `bob`.
    pub aws_managed_arn: String,
    /// The users' ARNs (`alice` in group `devs`, `bob` in no group).
    pub users: Vec<String>,
    /// The group's ARN.
    pub group: String,
    /// The role's ARN (path `/service/`).
    pub role: String,
}

/// The default version of the read policy.
pub const READ_POLICY_V1: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadLogs","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::pare-logs","arn:aws:s3:::pare-logs/*"]}]}"#;
/// The second, non-default version of the read policy.
pub const READ_POLICY_V2: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

/// Creates users, a group with membership, a role with trust policy and path, inline and managed policies
/// (one with a second, non-default version), an AWS managed policy attachment and a permission boundary
/// on the role through aws-sdk-iam (moto 5.2.5 does not implement PutUserPermissionsBoundary). The AWS managed policy needs moto started with `MOTO_IAM_LOAD_MANAGED_POLICIES=true`.
pub async fn seed_iam_account(iam: &aws_sdk_iam::Client) -> Result<SeededAccount, String> {
    let read = iam
        .create_policy()
        .policy_name("pare-read")
        .path("/pare/")
        .description("read the pare logs bucket")
        .policy_document(READ_POLICY_V1)
        .send()
        .await
        .map_err(sdk_fail("create_policy pare-read"))?;
    let read_arn = read.policy().and_then(|p| p.arn()).unwrap_or_default().to_owned();
    iam.create_policy_version()
        .policy_arn(&read_arn)
        .policy_document(READ_POLICY_V2)
        .set_as_default(false)
        .send()
        .await
        .map_err(sdk_fail("create_policy_version"))?;
    let boundary = iam
        .create_policy()
        .policy_name("pare-boundary")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","cloudtrail:LookupEvents","sqs:*","kms:Decrypt"],"Resource":"*"}]}"#,
        )
        .send()
        .await
        .map_err(sdk_fail("create_policy pare-boundary"))?;
    let boundary_arn = boundary
        .policy()
        .and_then(|p| p.arn())
        .unwrap_or_default()
        .to_owned();
    let aws_managed_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess".to_owned();

    let group = iam
        .create_group()
        .group_name("devs")
        .path("/teams/")
        .send()
        .await
        .map_err(sdk_fail("create_group"))?;
    let group_arn = group.group().map(|g| g.arn().to_owned()).unwrap_or_default();
    iam.put_group_policy()
        .group_name("devs")
        .policy_name("devs-describe")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#)
        .send()
        .await
        .map_err(sdk_fail("put_group_policy"))?;
    iam.attach_group_policy()
        .group_name("devs")
        .policy_arn(&read_arn)
        .send()
        .await
        .map_err(sdk_fail("attach_group_policy"))?;

    let mut users = Vec::new();
    for name in ["alice", "bob"] {
        let u = iam
            .create_user()
            .user_name(name)
            .send()
            .await
            .map_err(sdk_fail("create_user"))?;
        users.push(u.user().map(|u| u.arn().to_owned()).unwrap_or_default());
    }
    iam.add_user_to_group()
        .group_name("devs")
        .user_name("alice")
        .send()
        .await
        .map_err(sdk_fail("add_user_to_group"))?;
    // Characters the service URL-encodes (`%`, space, `+`, `&`) prove the documents are decoded.
    iam.put_user_policy()
        .user_name("alice")
        .policy_name("alice-kms")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Decrypt","Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab","Condition":{"StringLike":{"kms:EncryptionContext:path":"reports/2026 q3+q4 & 100%25/*"}}}]}"#,
        )
        .send()
        .await
        .map_err(sdk_fail("put_user_policy"))?;
    iam.attach_user_policy()
        .user_name("alice")
        .policy_arn(&read_arn)
        .send()
        .await
        .map_err(sdk_fail("attach_user_policy"))?;
    iam.attach_user_policy()
        .user_name("bob")
        .policy_arn(&aws_managed_arn)
        .send()
        .await
        .map_err(sdk_fail("attach_user_policy (aws managed)"))?;

    let role = iam
        .create_role()
        .role_name("app")
        .path("/service/")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .permissions_boundary(&boundary_arn)
        .send()
        .await
        .map_err(sdk_fail("create_role"))?;
    let role_arn = role.role().map(|r| r.arn().to_owned()).unwrap_or_default();
    iam.put_role_policy()
        .role_name("app")
        .policy_name("app-sqs")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage"],"Resource":"arn:aws:sqs:us-east-1:123456789012:jobs"}]}"#,
        )
        .send()
        .await
        .map_err(sdk_fail("put_role_policy"))?;
    iam.attach_role_policy()
        .role_name("app")
        .policy_arn(&read_arn)
        .send()
        .await
        .map_err(sdk_fail("attach_role_policy"))?;
    Ok(SeededAccount {
        read_policy_arn: read_arn,
        boundary_arn,
        aws_managed_arn,
        users,
        group: group_arn,
        role: role_arn,
    })
}

fn sdk_fail<E, R>(
    what: &'static str,
) -> impl FnOnce(aws_smithy_runtime_api::client::result::SdkError<E, R>) -> String
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    move |err| crate::error::from_sdk(err, what, "the emulator").to_string()
}

/// Runs `.venv/bin/aws iam get-account-authorization-details` against an endpoint with the dummy test
/// credentials (timestamps as ISO 8601 through a temporary CLI config file), returning its JSON output.
pub fn aws_cli_authorization_details(endpoint: &str, scratch: &Path) -> Result<Value, String> {
    let aws = venv_program("aws").ok_or("the AWS CLI is not installed in .venv (run scripts/setup.sh)")?;
    let cfg = scratch.join("aws-cli-config");
    std::fs::write(&cfg, "[default]\ncli_timestamp_format = iso8601\n").map_err(|e| e.to_string())?;
    let mut cmd = Command::new(aws);
    cmd.args([
        "iam",
        "get-account-authorization-details",
        "--endpoint-url",
        endpoint,
        "--region",
        "us-east-1",
    ])
    .args(["--output", "json"]);
    for k in CLEARED_ENV {
        cmd.env_remove(k);
    }
    cmd.envs(TEST_ENV)
        .env("AWS_CONFIG_FILE", &cfg)
        .env("AWS_SHARED_CREDENTIALS_FILE", scratch.join("none"));
    let out = cmd.output().map_err(|e| format!("cannot run the AWS CLI: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "the AWS CLI failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("the AWS CLI printed invalid JSON: {e}"))
}

/// Gzips bytes as CloudTrail delivers its `.json.gz` log files.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}
