//! The playground's scenario table: one row per failure mode, as data.
//!
//! Each [`Scenario`] says what the page sends ([`Step`]s, with `{token}`-style
//! placeholders the page fills in), how the server answers each step ([`Recipe`]), and
//! which rule id the diagnosis engine should put on top ([`Scenario::expected_finding`]).
//! The server routes requests by looking steps up in this table, so adding a failure mode
//! is adding a row, not writing a handler.
//!
//! Tokens are minted at request time from the server clock (see [`TokenProfile`]). Their
//! signatures are random bytes: the playground never verifies signatures, it only reads
//! the time claims of tokens it minted itself.

use serde::Serialize;

/// How a minted access token is shaped. The page asks `POST /api/login` with
/// `profile=<name>` before the scenario's steps and substitutes the result for `{token}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenProfile {
    /// `iat` = now − 1 min, `exp` = now + 1 h, `scope: "read write"`, `aud` = the API origin.
    Valid,
    /// `iat` = now − 65 min, `exp` = now − 5 min.
    Expired,
    /// Valid, but `scope: "read"` only.
    ReadOnly,
    /// Valid times, `aud: "https://other.example"` (another API).
    WrongAudience,
    /// `iat` = `nbf` = now + 10 min: issued by a clock that runs ahead.
    NotYetValid,
    /// `exp` = now + 5 min: valid for the browser, expired for a server whose clock is
    /// 10 minutes ahead.
    ShortLived,
    /// `alg: "none"` with an empty signature ([RFC 7519 §6](https://www.rfc-editor.org/rfc/rfc7519#section-6)).
    AlgNone,
    /// Valid times, claims holding markup (`<script>`, `"><svg onload=…>`).
    Xss,
    /// A DPoP-bound token (`cnf.jkt`) plus a DPoP proof for the `htu` the page names (RFC 9449).
    Dpop,
}

impl TokenProfile {
    /// Every profile, for the login endpoint's lookup and for tests.
    pub const ALL: [TokenProfile; 9] = [
        TokenProfile::Valid,
        TokenProfile::Expired,
        TokenProfile::ReadOnly,
        TokenProfile::WrongAudience,
        TokenProfile::NotYetValid,
        TokenProfile::ShortLived,
        TokenProfile::AlgNone,
        TokenProfile::Xss,
        TokenProfile::Dpop,
    ];

    /// The kebab-case name used in `profile=` and in `scenarios.json`.
    pub fn name(self) -> &'static str {
        match self {
            TokenProfile::Valid => "valid",
            TokenProfile::Expired => "expired",
            TokenProfile::ReadOnly => "read-only",
            TokenProfile::WrongAudience => "wrong-audience",
            TokenProfile::NotYetValid => "not-yet-valid",
            TokenProfile::ShortLived => "short-lived",
            TokenProfile::AlgNone => "alg-none",
            TokenProfile::Xss => "xss",
            TokenProfile::Dpop => "dpop",
        }
    }

    /// The profile called `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// Which origin a step's request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// The page's own origin.
    SameOrigin,
    /// The other loopback name on the same port (`127.0.0.1` ↔ `localhost`): a different
    /// origin and a different site, without a second server.
    OtherOrigin,
}

/// The `credentials` mode of the page's `fetch` (Fetch standard, "request credentials mode").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credentials {
    /// No cookies and no HTTP-auth prompt. Used where the challenge is Basic or Digest,
    /// because a credentialed fetch answered by such a challenge may open the browser's
    /// login dialog (Fetch standard, HTTP-network-or-cache fetch, the 401 step).
    Omit,
    /// The browser default.
    SameOrigin,
    /// Cookies even cross-origin.
    Include,
}

/// Who issues a step's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SentBy {
    /// The page calls `fetch` for it.
    Page,
    /// The browser requests it while following the previous step's redirect; the page
    /// skips it. It is in the table so the server knows how to answer.
    Redirect,
}

/// One canned HTTP response. Header values and the body are templates: `{nonce}`,
/// `{session}`, `{ray}`, `{origin}`, `{other_origin}` and `{next}` are filled in per
/// request; anything else in braces (JSON) is left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Extra header fields, in order. A `Server` or `Cache-Control` here replaces the
    /// playground's default (`authlens-playground`, `no-store`).
    pub headers: &'static [(&'static str, &'static str)],
    /// `Content-Type` of the body; ignored when the body is empty.
    pub content_type: &'static str,
    /// The body template.
    pub body: &'static str,
    /// Seconds added to the real time in the `Date` header (0 except for clock skew).
    pub date_offset_secs: i64,
}

impl Reply {
    /// A JSON reply with no extra headers, to build others from with `..Reply::JSON`.
    pub const JSON: Reply = Reply {
        status: 200,
        headers: &[],
        content_type: "application/json",
        body: "{}",
        date_offset_secs: 0,
    };
}

/// How the server answers a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipe {
    /// Always the same reply.
    Fixed(Reply),
    /// `ok` when the request carries a token this playground minted (in `Authorization:
    /// Bearer|DPoP` or `?access_token=`) whose `nbf`/`exp` admit the current time;
    /// `rejected` otherwise. Signatures are not checked.
    TokenGate {
        /// Reply for a current token.
        ok: Reply,
        /// Reply for a missing, unreadable, expired or not-yet-valid token.
        rejected: Reply,
    },
    /// `ok` when the request carries a non-empty `session` cookie, `rejected` otherwise.
    SessionGate {
        /// Reply with a session.
        ok: Reply,
        /// Reply without one.
        rejected: Reply,
    },
    /// A load balancer over two backends: odd `attempt=` query values (or, without one,
    /// odd request counts) get the first reply, even ones the second.
    Alternate([Reply; 2]),
    /// CORS preflights (`OPTIONS`) get `preflight`, as when an auth middleware runs
    /// before the CORS one; other methods get `actual`.
    PreflightDenied {
        /// Reply to the `OPTIONS` preflight.
        preflight: Reply,
        /// Reply to the request itself (browsers never send it).
        actual: Reply,
    },
    /// An OAuth token endpoint ([RFC 6749 §6](https://www.rfc-editor.org/rfc/rfc6749#section-6)): a form body with
    /// `grant_type=refresh_token` and a `refresh_token` gets a fresh token of this
    /// profile; anything else gets the [RFC 6749 §5.2](https://www.rfc-editor.org/rfc/rfc6749#section-5.2) error.
    Refresh(TokenProfile),
}

impl Recipe {
    /// The status the step answers with when that does not depend on the request.
    pub fn fixed_status(&self) -> Option<u16> {
        match self {
            Recipe::Fixed(r) => Some(r.status),
            Recipe::PreflightDenied { preflight, .. } => Some(preflight.status),
            Recipe::TokenGate { .. }
            | Recipe::SessionGate { .. }
            | Recipe::Alternate(_)
            | Recipe::Refresh(_) => None,
        }
    }
}

/// One request of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// HTTP method.
    pub method: &'static str,
    /// Path the server routes on (unique per method across the table).
    pub path: &'static str,
    /// Query template without `?` (may be empty), e.g. `access_token={token}`.
    pub query: &'static str,
    /// Which origin the request goes to.
    pub target: Target,
    /// Request header templates the page sets, e.g. `("Authorization", "Bearer {token}")`.
    pub headers: &'static [(&'static str, &'static str)],
    /// `(content type, body template)` for requests with a body.
    pub body: Option<(&'static str, &'static str)>,
    /// The fetch credentials mode.
    pub credentials: Credentials,
    /// Whether the page sends it or a redirect leads to it.
    pub sent_by: SentBy,
    /// How the server answers.
    pub recipe: Recipe,
}

impl Step {
    const GET: Step = Step {
        method: "GET",
        path: "/",
        query: "",
        target: Target::SameOrigin,
        headers: &[],
        body: None,
        credentials: Credentials::SameOrigin,
        sent_by: SentBy::Page,
        recipe: Recipe::Fixed(Reply::JSON),
    };
}

/// One failure mode the playground can produce on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    /// Stable kebab-case id (the button's `data-scenario`).
    pub id: &'static str,
    /// Button label.
    pub title: &'static str,
    /// What happens and why, in a sentence or two.
    pub description: &'static str,
    /// The rule id the diagnosis engine should rank first for the step
    /// [`Scenario::expect_step`]; `None` for healthy traffic.
    pub expected_finding: Option<&'static str>,
    /// Token minted before the steps run, if any.
    pub token: Option<TokenProfile>,
    /// The requests, in order.
    pub steps: &'static [Step],
    /// Index into `steps` of the exchange that carries the expected finding.
    pub expect_step: usize,
}

impl Scenario {
    /// The step that carries the expected finding.
    pub fn key_step(&self) -> Option<&'static Step> {
        self.steps.get(self.expect_step)
    }
}

/// The scenario table.
pub fn scenarios() -> &'static [Scenario] {
    SCENARIOS
}

/// The step answering `method` on `path`, with its scenario. `OPTIONS` matches any step
/// on the path (a preflight is about the path), and `HEAD` matches `GET` ([RFC 9110 §9.3.2](https://www.rfc-editor.org/rfc/rfc9110#section-9.3.2)).
pub fn find_step(method: &str, path: &str) -> Option<(&'static Scenario, &'static Step)> {
    let any = method.eq_ignore_ascii_case("OPTIONS");
    let method = if method.eq_ignore_ascii_case("HEAD") {
        "GET"
    } else {
        method
    };
    SCENARIOS.iter().find_map(|sc| {
        sc.steps
            .iter()
            .find(|st| st.path == path && (any || st.method.eq_ignore_ascii_case(method)))
            .map(|st| (sc, st))
    })
}

/// Whether any step routes on `path` (to tell 405 from 404).
pub fn path_exists(path: &str) -> bool {
    SCENARIOS
        .iter()
        .any(|sc| sc.steps.iter().any(|st| st.path == path))
}

/// The endpoint the page's "Burst" control hammers: mostly 200s, a 401 for expired tokens.
pub const BURST_PATH: &str = "/api/burst/items";

/// How the burst endpoint answers.
pub const BURST: Recipe = Recipe::TokenGate {
    ok: Reply {
        body: r#"{"items":[{"id":1,"name":"alpha"},{"id":2,"name":"beta"}],"next":null}"#,
        ..Reply::JSON
    },
    rejected: EXPIRED_401,
};

// ---- shared pieces of the table -------------------------------------------------------

const BEARER: &[(&str, &str)] = &[("Authorization", "Bearer {token}")];

const FORM: &str = "application/x-www-form-urlencoded";

const EXPIRED_401: Reply = Reply {
    status: 401,
    headers: &[(
        "WWW-Authenticate",
        r#"Bearer realm="playground", error="invalid_token", error_description="The access token expired""#,
    )],
    body: r#"{"error":"invalid_token","error_description":"The access token expired"}"#,
    ..Reply::JSON
};

const ME_200: Reply = Reply {
    body: r#"{"id":"user-42","name":"Alice Example","email":"alice@example.com","plan":"pro"}"#,
    ..Reply::JSON
};

/// [RFC 6750 §3.1](https://www.rfc-editor.org/rfc/rfc6750#section-3.1): a request without credentials gets a challenge with no error code.
const NO_TOKEN_401: Reply = Reply {
    status: 401,
    headers: &[("WWW-Authenticate", r#"Bearer realm="playground""#)],
    body: r#"{"error":"unauthorized","message":"No access token was provided"}"#,
    ..Reply::JSON
};

const KEY_NOT_FOUND_401: Reply = Reply {
    status: 401,
    headers: &[(
        "WWW-Authenticate",
        r#"Bearer realm="playground", error="invalid_token", error_description="The signature key was not found""#,
    )],
    body: r#"{"error":"invalid_token","error_description":"The signature key was not found"}"#,
    ..Reply::JSON
};

const TOKEN_ENDPOINT_HEADERS: &[(&str, &str)] = &[("Pragma", "no-cache")];

const REFRESH_BODY: Option<(&str, &str)> = Some((
    FORM,
    "grant_type=refresh_token&refresh_token={refresh_token}",
));

const REFRESH_OK_DATA: Step = Step {
    path: "/api/refresh-ok/data",
    headers: BEARER,
    recipe: Recipe::TokenGate {
        ok: Reply {
            body: r#"{"data":[3,1,4,1,5],"fresh":true}"#,
            ..Reply::JSON
        },
        rejected: EXPIRED_401,
    },
    ..Step::GET
};

const REFRESH_OK_TOKEN: Step = Step {
    method: "POST",
    path: "/api/refresh-ok/token",
    body: REFRESH_BODY,
    recipe: Recipe::Refresh(TokenProfile::Valid),
    ..Step::GET
};

const LOOP_DATA: Step = Step {
    path: "/api/refresh-loop/data",
    headers: BEARER,
    recipe: Recipe::Fixed(KEY_NOT_FOUND_401),
    ..Step::GET
};

const LOOP_TOKEN: Step = Step {
    method: "POST",
    path: "/api/refresh-loop/token",
    body: REFRESH_BODY,
    recipe: Recipe::Refresh(TokenProfile::Valid),
    ..Step::GET
};

const COOKIE_ME: Step = Step {
    path: "/api/cookie-logout/me",
    recipe: Recipe::SessionGate {
        ok: Reply {
            body: r#"{"id":"user-42","name":"Alice Example"}"#,
            ..Reply::JSON
        },
        // The cookie-auth challenge of draft-broyer-http-cookie-auth: a 401 needs some
        // challenge ([RFC 9110 §15.5.2](https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2)), and this is the one cookie sites would send.
        rejected: Reply {
            status: 401,
            headers: &[(
                "WWW-Authenticate",
                r#"Cookie realm="playground", form-action="/login", cookie-name="session""#,
            )],
            body: r#"{"error":"not_authenticated","message":"Session cookie missing or expired"}"#,
            ..Reply::JSON
        },
    },
    ..Step::GET
};

const BACKENDS: Reply = Reply {
    headers: &[("X-Served-By", "api-1")],
    body: r#"{"id":"user-42","name":"Alice Example","node":"api-1"}"#,
    ..Reply::JSON
};

const BACKENDS_STALE: Reply = Reply {
    headers: &[
        ("X-Served-By", "api-2"),
        (
            "WWW-Authenticate",
            r#"Bearer realm="playground", error="invalid_token", error_description="The signature key was not found""#,
        ),
    ],
    ..KEY_NOT_FOUND_401
};

const BACKENDS_STEP: Step = Step {
    path: "/api/inconsistent-backends/me",
    headers: BEARER,
    recipe: Recipe::Alternate([BACKENDS, BACKENDS_STALE]),
    ..Step::GET
};

const LOGIN_PAGE: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in · playground</title></head>\n<body><h1>Sign in</h1>\n<form method=\"post\" action=\"/login\"><label>Email <input name=\"email\" type=\"email\"></label>\n<label>Password <input name=\"password\" type=\"password\"></label>\n<button>Sign in</button></form></body></html>\n";

const CLOUDFLARE_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>Attention Required! | Cloudflare</title><meta charset=\"UTF-8\"></head>\n<body><div id=\"cf-wrapper\"><h1 data-translate=\"block_headline\">Sorry, you have been blocked</h1>\n<h2>You are unable to access playground.example</h2>\n<p>This website is using a security service to protect itself from online attacks. The action you just performed triggered the security solution.</p>\n<p>Cloudflare Ray ID: <strong>{ray}</strong> &bull; Performance &amp; security by Cloudflare</p></div></body></html>\n";

static SCENARIOS: &[Scenario] = &[
    Scenario {
        id: "expired-jwt",
        title: "Expired JWT",
        description: "Bearer token whose exp passed 5 minutes ago; the API answers 401 invalid_token.",
        expected_finding: Some("token-expired"),
        token: Some(TokenProfile::Expired),
        steps: &[Step {
            path: "/api/expired-jwt/me",
            headers: BEARER,
            recipe: Recipe::TokenGate {
                ok: ME_200,
                rejected: EXPIRED_401,
            },
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "missing-challenge",
        title: "401 without WWW-Authenticate",
        description: "The API answers 401 with only a JSON error body, no challenge (RFC 9110 §15.5.2 says it MUST send one).",
        expected_finding: Some("missing-challenge"),
        token: Some(TokenProfile::Valid),
        steps: &[Step {
            path: "/api/missing-challenge/orders",
            headers: BEARER,
            recipe: Recipe::Fixed(Reply {
                status: 401,
                body: r#"{"error":{"code":"unauthenticated","message":"Request is missing valid authentication credentials"}}"#,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "insufficient-scope",
        title: "403 insufficient_scope",
        description: "The token only has scope \"read\"; creating a document needs \"write\".",
        expected_finding: Some("insufficient-scope"),
        token: Some(TokenProfile::ReadOnly),
        steps: &[Step {
            method: "POST",
            path: "/api/insufficient-scope/documents",
            headers: BEARER,
            body: Some(("application/json", r#"{"title":"Quarterly report"}"#)),
            recipe: Recipe::Fixed(Reply {
                status: 403,
                headers: &[(
                    "WWW-Authenticate",
                    r#"Bearer realm="playground", error="insufficient_scope", scope="write", error_description="The request requires higher privileges than provided by the access token""#,
                )],
                body: r#"{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token","scope":"write"}"#,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "cors-preflight-401",
        title: "CORS preflight answered 401",
        description: "A cross-origin fetch (127.0.0.1 ↔ localhost) with an Authorization header makes the browser send an OPTIONS preflight; the API's auth runs before CORS and answers it 401, so the real request never leaves.",
        expected_finding: Some("cors-preflight-unauthorized"),
        token: Some(TokenProfile::Valid),
        steps: &[Step {
            path: "/api/cors-preflight-401/data",
            target: Target::OtherOrigin,
            headers: BEARER,
            recipe: Recipe::PreflightDenied {
                preflight: NO_TOKEN_401,
                actual: Reply {
                    body: r#"{"data":[1,2,3]}"#,
                    ..Reply::JSON
                },
            },
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "digest-stale",
        title: "Digest stale=true",
        description: "The Digest nonce expired: the server sends a new one with stale=true. Retry with it; the password is fine.",
        expected_finding: Some("digest-stale-nonce"),
        token: None,
        steps: &[Step {
            path: "/api/digest-stale/report",
            // Request shape and values from the [RFC 7616 §3.9.1](https://www.rfc-editor.org/rfc/rfc7616#section-3.9.1) example.
            headers: &[(
                "Authorization",
                r#"Digest username="Mufasa", realm="http-auth@example.org", uri="/api/digest-stale/report", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#,
            )],
            credentials: Credentials::Omit,
            recipe: Recipe::Fixed(Reply {
                status: 401,
                headers: &[(
                    "WWW-Authenticate",
                    r#"Digest realm="http-auth@example.org", qop="auth", algorithm=SHA-256, nonce="{nonce}", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", stale=true"#,
                )],
                body: r#"{"error":"unauthorized","message":"Nonce expired"}"#,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "cacheable-401",
        title: "Cached 401",
        description: "A 401 marked Cache-Control: public, max-age=600, without Vary: Authorization, served again from a shared cache (Age, X-Cache: HIT) to a user whose token is fine.",
        expected_finding: Some("cached-401"),
        token: Some(TokenProfile::Valid),
        steps: &[Step {
            path: "/api/cacheable-401/feed",
            headers: BEARER,
            recipe: Recipe::Fixed(Reply {
                status: 401,
                headers: &[
                    (
                        "WWW-Authenticate",
                        r#"Bearer realm="playground", error="invalid_token""#,
                    ),
                    ("Cache-Control", "public, max-age=600"),
                    ("Age", "137"),
                    ("X-Cache", "HIT"),
                    ("Via", "1.1 varnish"),
                ],
                body: r#"{"error":"invalid_token"}"#,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "cookie-logout",
        title: "Session cookie logged out",
        description: "Log in (Set-Cookie session=…; HttpOnly; SameSite=Lax), read /me, log out (Set-Cookie with Max-Age=0), read /me again: no cookie, 401.",
        expected_finding: Some("cookie-not-sent"),
        token: None,
        steps: &[
            Step {
                method: "POST",
                path: "/api/cookie-logout/login",
                body: Some((FORM, "username=alice&password=correct-horse")),
                recipe: Recipe::Fixed(Reply {
                    headers: &[(
                        "Set-Cookie",
                        "session={session}; Path=/; HttpOnly; SameSite=Lax",
                    )],
                    body: r#"{"user":"alice","session":"created"}"#,
                    ..Reply::JSON
                }),
                ..Step::GET
            },
            COOKIE_ME,
            Step {
                method: "POST",
                path: "/api/cookie-logout/logout",
                recipe: Recipe::Fixed(Reply {
                    headers: &[(
                        "Set-Cookie",
                        "session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
                    )],
                    body: r#"{"session":"ended"}"#,
                    ..Reply::JSON
                }),
                ..Step::GET
            },
            COOKIE_ME,
        ],
        expect_step: 3,
    },
    Scenario {
        id: "bearer-undefined",
        title: "Bearer undefined",
        description: "The app never loaded its token and sent the string \"undefined\".",
        expected_finding: Some("bearer-placeholder"),
        token: None,
        steps: &[Step {
            path: "/api/bearer-undefined/me",
            headers: &[("Authorization", "Bearer undefined")],
            recipe: Recipe::Fixed(Reply {
                status: 401,
                headers: &[(
                    "WWW-Authenticate",
                    r#"Bearer realm="playground", error="invalid_token", error_description="The access token is malformed""#,
                )],
                body: r#"{"error":"invalid_token","error_description":"The access token is malformed"}"#,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "redirect-drops-auth",
        title: "307 to another origin drops Authorization",
        description: "The API redirects to the other loopback origin; the browser follows but removes Authorization on the cross-origin hop (Fetch standard, HTTP-redirect fetch), so the target answers 401.",
        expected_finding: Some("authorization-stripped-on-redirect"),
        token: Some(TokenProfile::Valid),
        steps: &[
            Step {
                path: "/api/redirect-drops-auth/start",
                headers: BEARER,
                recipe: Recipe::Fixed(Reply {
                    status: 307,
                    headers: &[(
                        "Location",
                        "{other_origin}/api/redirect-drops-auth/target",
                    )],
                    body: "",
                    ..Reply::JSON
                }),
                ..Step::GET
            },
            Step {
                path: "/api/redirect-drops-auth/target",
                target: Target::OtherOrigin,
                headers: BEARER,
                sent_by: SentBy::Redirect,
                recipe: Recipe::TokenGate {
                    ok: ME_200,
                    rejected: NO_TOKEN_401,
                },
                ..Step::GET
            },
        ],
        expect_step: 1,
    },
    Scenario {
        id: "healthy",
        title: "Healthy 200",
        description: "A current token, a 200. Nothing to report.",
        expected_finding: None,
        token: Some(TokenProfile::Valid),
        steps: &[Step {
            path: "/api/healthy/me",
            headers: BEARER,
            recipe: Recipe::TokenGate {
                ok: ME_200,
                rejected: EXPIRED_401,
            },
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "proxy-auth",
        title: "407 proxy authentication",
        description: "A 407 with Proxy-Authenticate: Basic realm=\"corp-proxy\". Chromium refuses a 407 that does not come from a configured proxy: the fetch fails with net::ERR_UNEXPECTED_PROXY_AUTH (status 0 in DevTools), checked on Chromium 156.",
        expected_finding: Some("proxy-auth-required"),
        token: None,
        steps: &[Step {
            path: "/api/proxy-auth/resource",
            credentials: Credentials::Omit,
            recipe: Recipe::Fixed(Reply {
                status: 407,
                headers: &[("Proxy-Authenticate", r#"Basic realm="corp-proxy""#)],
                content_type: "text/html",
                body: "<html><body><h1>407 Proxy Authentication Required</h1><p>Sign in to corp-proxy to continue.</p></body></html>\n",
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "dpop-nonce",
        title: "DPoP use_dpop_nonce",
        description: "A DPoP-bound token with a proof without nonce; the resource server requires one and sends it in DPoP-Nonce (RFC 9449 §9).",
        expected_finding: Some("dpop-nonce-required"),
        token: Some(TokenProfile::Dpop),
        steps: &[Step {
            path: "/api/dpop-nonce/account",
            headers: &[
                ("Authorization", "DPoP {token}"),
                ("DPoP", "{dpop_proof}"),
            ],
            recipe: Recipe::Fixed(Reply {
                status: 401,
                headers: &[
                    (
                        "WWW-Authenticate",
                        r#"DPoP algs="ES256 PS256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#,
                    ),
                    ("DPoP-Nonce", "{nonce}"),
                ],
                body: r#"{"error":"use_dpop_nonce","error_description":"Resource server requires nonce in DPoP proof"}"#,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "audience-mismatch",
        title: "Audience mismatch",
        description: "The token was issued for https://other.example, not for this API.",
        expected_finding: Some("audience-mismatch"),
        token: Some(TokenProfile::WrongAudience),
        steps: &[Step {
            path: "/api/audience-mismatch/invoices",
            headers: BEARER,
            recipe: Recipe::Fixed(Reply {
                status: 401,
                headers: &[(
                    "WWW-Authenticate",
                    r#"Bearer realm="playground", error="invalid_token", error_description="The audience 'https://other.example' is invalid""#,
                )],
                body: r#"{"error":"invalid_token","error_description":"The audience 'https://other.example' is invalid"}"#,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "not-yet-valid",
        title: "Token not yet valid",
        description: "The token's nbf and iat are 10 minutes in the future: the issuer's clock runs ahead.",
        expected_finding: Some("token-not-yet-valid"),
        token: Some(TokenProfile::NotYetValid),
        steps: &[Step {
            path: "/api/not-yet-valid/me",
            headers: BEARER,
            recipe: Recipe::Fixed(Reply {
                status: 401,
                headers: &[(
                    "WWW-Authenticate",
                    r#"Bearer realm="playground", error="invalid_token", error_description="The token is not yet valid""#,
                )],
                body: r#"{"error":"invalid_token","error_description":"The token is not yet valid"}"#,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "clock-skew",
        title: "Server clock 10 minutes ahead",
        description: "The token expires in 5 minutes by the browser's clock, but the server's clock (see its Date header) is 10 minutes ahead and rejects it.",
        expected_finding: Some("clock-skew"),
        token: Some(TokenProfile::ShortLived),
        steps: &[Step {
            path: "/api/clock-skew/me",
            headers: BEARER,
            recipe: Recipe::Fixed(Reply {
                status: 401,
                headers: &[(
                    "WWW-Authenticate",
                    r#"Bearer realm="playground", error="invalid_token", error_description="Lifetime validation failed""#,
                )],
                body: r#"{"error":"invalid_token","error_description":"Lifetime validation failed"}"#,
                date_offset_secs: 600,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "scheme-mismatch",
        title: "Basic sent, Bearer required",
        description: "The client sends Basic credentials (alice / s3cret); the API only takes Bearer tokens.",
        expected_finding: Some("scheme-mismatch"),
        token: None,
        steps: &[Step {
            path: "/api/scheme-mismatch/me",
            headers: &[("Authorization", "Basic YWxpY2U6czNjcmV0")],
            credentials: Credentials::Omit,
            recipe: Recipe::Fixed(Reply {
                status: 401,
                headers: &[("WWW-Authenticate", r#"Bearer realm="playground""#)],
                body: r#"{"error":"unauthorized","message":"Bearer token required"}"#,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "malformed-authorization",
        title: "Bearer Bearer …",
        description: "The scheme is doubled: the client prepends \"Bearer \" to a value that already has it.",
        expected_finding: Some("malformed-authorization"),
        token: Some(TokenProfile::Valid),
        steps: &[Step {
            path: "/api/malformed-authorization/me",
            headers: &[("Authorization", "Bearer Bearer {token}")],
            recipe: Recipe::Fixed(Reply {
                status: 401,
                headers: &[(
                    "WWW-Authenticate",
                    r#"Bearer realm="playground", error="invalid_token", error_description="The access token is malformed""#,
                )],
                body: r#"{"error":"invalid_token","error_description":"The access token is malformed"}"#,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "token-in-url",
        title: "Token in the URL",
        description: "The token travels as ?access_token=… (RFC 6750 §2.3): it works, and leaks into logs, history and Referer.",
        expected_finding: Some("token-in-url"),
        token: Some(TokenProfile::Valid),
        steps: &[Step {
            path: "/api/token-in-url/export",
            query: "format=csv&access_token={token}",
            recipe: Recipe::TokenGate {
                ok: Reply {
                    body: r#"{"export":"ready","rows":128}"#,
                    ..Reply::JSON
                },
                rejected: EXPIRED_401,
            },
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "login-redirect",
        title: "302 to the login page",
        description: "The API redirects to /login?next=… instead of answering 401; fetch follows it and gets a 200 HTML page.",
        expected_finding: Some("login-redirect"),
        token: None,
        steps: &[
            Step {
                path: "/api/login-redirect/account",
                recipe: Recipe::Fixed(Reply {
                    status: 302,
                    headers: &[("Location", "/login?next={next}")],
                    body: "",
                    ..Reply::JSON
                }),
                ..Step::GET
            },
            Step {
                path: "/login",
                sent_by: SentBy::Redirect,
                recipe: Recipe::Fixed(Reply {
                    content_type: "text/html; charset=utf-8",
                    body: LOGIN_PAGE,
                    ..Reply::JSON
                }),
                ..Step::GET
            },
        ],
        expect_step: 0,
    },
    Scenario {
        id: "edge-block",
        title: "Blocked at the edge",
        description: "A CDN/WAF (Server: cloudflare, cf-ray) answers 403 with an HTML block page; the app never saw the request.",
        expected_finding: Some("edge-block"),
        token: Some(TokenProfile::Valid),
        steps: &[Step {
            path: "/api/edge-block/search",
            query: "q=%3Cscript%3E",
            headers: BEARER,
            recipe: Recipe::Fixed(Reply {
                status: 403,
                headers: &[
                    ("Server", "cloudflare"),
                    ("cf-ray", "{ray}-FRA"),
                    (
                        "Cache-Control",
                        "private, max-age=0, no-store, no-cache, must-revalidate",
                    ),
                ],
                content_type: "text/html; charset=UTF-8",
                body: CLOUDFLARE_PAGE,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "refresh-ok",
        title: "Refresh flow (healthy)",
        description: "401 for an expired token, POST /token with grant_type=refresh_token, retry with the new token: 200.",
        expected_finding: Some("token-refreshed"),
        token: Some(TokenProfile::Expired),
        steps: &[REFRESH_OK_DATA, REFRESH_OK_TOKEN, REFRESH_OK_DATA],
        expect_step: 2,
    },
    Scenario {
        id: "refresh-loop",
        title: "Refresh loop",
        description: "The API rejects every token (its keys are stale), the client refreshes and retries, forever; the page stops after 3 cycles.",
        expected_finding: Some("refresh-loop"),
        token: Some(TokenProfile::Valid),
        steps: &[
            LOOP_DATA, LOOP_TOKEN, LOOP_DATA, LOOP_TOKEN, LOOP_DATA, LOOP_TOKEN, LOOP_DATA,
        ],
        expect_step: 6,
    },
    Scenario {
        id: "refresh-failed",
        title: "Refresh failed (invalid_grant)",
        description: "The access token expired and the refresh request itself fails with invalid_grant: the refresh token was revoked, the user must log in again.",
        expected_finding: Some("refresh-failed"),
        token: Some(TokenProfile::Expired),
        steps: &[
            Step {
                path: "/api/refresh-failed/data",
                headers: BEARER,
                recipe: Recipe::TokenGate {
                    ok: ME_200,
                    rejected: EXPIRED_401,
                },
                ..Step::GET
            },
            Step {
                method: "POST",
                path: "/api/refresh-failed/token",
                body: REFRESH_BODY,
                recipe: Recipe::Fixed(Reply {
                    status: 400,
                    headers: TOKEN_ENDPOINT_HEADERS,
                    body: r#"{"error":"invalid_grant","error_description":"Refresh token has been revoked"}"#,
                    ..Reply::JSON
                }),
                ..Step::GET
            },
        ],
        expect_step: 1,
    },
    Scenario {
        id: "forbidden",
        title: "403 with a valid token",
        description: "Authentication worked; authorization says no: Alice is not a member of project 42.",
        expected_finding: Some("forbidden-not-unauthorized"),
        token: Some(TokenProfile::Valid),
        steps: &[Step {
            path: "/api/forbidden/projects/42",
            headers: BEARER,
            recipe: Recipe::TokenGate {
                ok: Reply {
                    status: 403,
                    body: r#"{"error":"forbidden","message":"You are not a member of project 42"}"#,
                    ..Reply::JSON
                },
                rejected: EXPIRED_401,
            },
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "inconsistent-backends",
        title: "Inconsistent backends",
        description: "The same request with the same token alternates between 200 (X-Served-By: api-1) and 401 (api-2, which has stale signing keys).",
        expected_finding: Some("inconsistent-backends"),
        token: Some(TokenProfile::Valid),
        steps: &[
            Step {
                query: "attempt=1",
                ..BACKENDS_STEP
            },
            Step {
                query: "attempt=2",
                ..BACKENDS_STEP
            },
            Step {
                query: "attempt=3",
                ..BACKENDS_STEP
            },
            Step {
                query: "attempt=4",
                ..BACKENDS_STEP
            },
        ],
        expect_step: 3,
    },
    Scenario {
        id: "alg-none",
        title: "alg: none",
        description: "An unsecured JWT (alg \"none\", empty signature) was sent.",
        expected_finding: Some("alg-none"),
        token: Some(TokenProfile::AlgNone),
        steps: &[Step {
            path: "/api/alg-none/admin",
            headers: BEARER,
            recipe: Recipe::Fixed(Reply {
                status: 401,
                headers: &[(
                    "WWW-Authenticate",
                    r#"Bearer realm="playground", error="invalid_token", error_description="Unsigned tokens are not accepted""#,
                )],
                body: r#"{"error":"invalid_token","error_description":"Unsigned tokens are not accepted"}"#,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
    Scenario {
        id: "xss",
        title: "Hostile markup everywhere",
        description: "Markup in the challenge realm, in the token's claims, in the body and in response header names and values. Every viewer must show it as text; nothing may run (window.__authlens_xss stays unset).",
        expected_finding: Some("invalid-token"),
        token: Some(TokenProfile::Xss),
        steps: &[Step {
            path: "/api/xss/profile",
            headers: BEARER,
            recipe: Recipe::Fixed(Reply {
                status: 401,
                headers: &[
                    (
                        "WWW-Authenticate",
                        r#"Bearer realm="<img src=x onerror=alert(1)>", error="invalid_token", error_description="<script>window.__authlens_xss=3</script>""#,
                    ),
                    // Not a valid field name ([RFC 9110 §5.1](https://www.rfc-editor.org/rfc/rfc9110#section-5.1): a token; `"` and `>` are not
                    // tchars). tiny_http emits it as is; Chromium 156 drops such a field
                    // before DevTools or fetch see it (checked), other clients may not.
                    (r#"x-"><img"#, "<img src=x onerror=window.__authlens_xss=4>"),
                    // The most hostile name that is a valid token, so Chromium keeps it:
                    // a quote and entity-like text.
                    (
                        "x-'&ltimg&gt'",
                        "<svg onload=window.__authlens_xss=5>",
                    ),
                ],
                body: r#"{"error":"invalid_token","error_description":"<script>window.__authlens_xss=1</script>","user":"\"><svg onload=window.__authlens_xss=2>"}"#,
                ..Reply::JSON
            }),
            ..Step::GET
        }],
        expect_step: 0,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = HashSet::new();
        for sc in scenarios() {
            assert!(seen.insert(sc.id), "duplicate id {}", sc.id);
            assert!(
                sc.id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                sc.id
            );
        }
    }

    #[test]
    fn expected_findings_are_kebab_case_rule_ids() {
        for sc in scenarios() {
            if let Some(f) = sc.expected_finding {
                assert!(!f.is_empty() && !f.starts_with('-') && !f.ends_with('-'));
                assert!(f
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            }
        }
    }

    #[test]
    fn key_step_exists_and_page_starts_every_scenario() {
        for sc in scenarios() {
            assert!(sc.key_step().is_some(), "{}", sc.id);
            assert_eq!(sc.steps[0].sent_by, SentBy::Page, "{}", sc.id);
        }
    }

    #[test]
    fn a_path_and_method_route_to_one_recipe() {
        // Steps may repeat (a retry), but one (method, path) must always mean one recipe,
        // or routing by the table would be ambiguous.
        let mut seen: Vec<(&str, &str, Recipe)> = Vec::new();
        for sc in scenarios() {
            for st in sc.steps {
                if let Some((_, _, r)) = seen
                    .iter()
                    .find(|(m, p, _)| *m == st.method && *p == st.path)
                {
                    assert_eq!(*r, st.recipe, "{} {}", st.method, st.path);
                } else {
                    seen.push((st.method, st.path, st.recipe));
                }
            }
        }
    }

    #[test]
    fn paths_are_namespaced_by_scenario() {
        for sc in scenarios() {
            for st in sc.steps.iter().filter(|s| s.sent_by == SentBy::Page) {
                assert!(
                    st.path.starts_with(&format!("/api/{}/", sc.id)),
                    "{} routes {}",
                    sc.id,
                    st.path
                );
            }
        }
    }

    #[test]
    fn find_step_matches_method_and_path() {
        let (sc, st) = find_step("POST", "/api/refresh-ok/token").unwrap();
        assert_eq!(sc.id, "refresh-ok");
        assert_eq!(st.recipe, Recipe::Refresh(TokenProfile::Valid));
        assert!(find_step("GET", "/api/refresh-ok/token").is_none());
        assert!(path_exists("/api/refresh-ok/token"));
        let (_, pre) = find_step("OPTIONS", "/api/cors-preflight-401/data").unwrap();
        assert!(matches!(pre.recipe, Recipe::PreflightDenied { .. }));
        assert!(find_step("GET", "/api/nope").is_none());
        assert!(find_step("HEAD", "/api/healthy/me").is_some());
        assert!(find_step("HEAD", "/api/refresh-ok/token").is_none());
    }

    #[test]
    fn token_profiles_round_trip_by_name() {
        for p in TokenProfile::ALL {
            assert_eq!(TokenProfile::from_name(p.name()), Some(p));
            assert_eq!(
                serde_json::to_value(p).unwrap(),
                serde_json::Value::String(p.name().into())
            );
        }
        assert_eq!(TokenProfile::from_name("Valid"), None);
    }

    #[test]
    fn scenarios_needing_tokens_ask_for_one() {
        for sc in scenarios() {
            let uses = sc.steps.iter().any(|st| {
                st.headers.iter().any(|(_, v)| v.contains("{token}"))
                    || st.query.contains("{token}")
            });
            if uses {
                assert!(
                    sc.token.is_some(),
                    "{} uses {{token}} but mints none",
                    sc.id
                );
            }
        }
    }
}
