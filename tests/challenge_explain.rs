//! Explaining real challenges: RFC examples and vendor headers, end to end through the
//! public API (parse → explain → JSON).

// Test helpers may unwrap and index: a panic there is a failing test (as in clippy.toml).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use authlens::challenge::{
    explain_all, parse_challenges, parse_proxy_challenges, ExplainContext, Explanation, SchemeKind,
};

struct Case {
    name: &'static str,
    fields: &'static [&'static str],
    status: Option<u16>,
    dpop_nonce: Option<&'static str>,
    /// Per challenge: kind and the finding ids, in order.
    expect: &'static [(SchemeKind, &'static [&'static str])],
}

const CASES: &[Case] = &[
    Case {
        name: "rfc 7617 §2",
        fields: &[r#"Basic realm="WallyWorld""#],
        status: Some(401),
        dpop_nonce: None,
        expect: &[(SchemeKind::Basic, &["basic-charset-missing"])],
    },
    Case {
        name: "rfc 7617 §2.1",
        fields: &[r#"Basic realm="foo", charset="UTF-8""#],
        status: Some(401),
        dpop_nonce: None,
        expect: &[(SchemeKind::Basic, &[])],
    },
    Case {
        name: "rfc 7616 §3.9.1",
        fields: &[
            r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#,
            r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#,
        ],
        status: Some(401),
        dpop_nonce: None,
        expect: &[
            (SchemeKind::Digest, &[]),
            (SchemeKind::Digest, &["digest-md5"]),
        ],
    },
    Case {
        name: "rfc 6750 §3 no token",
        fields: &[r#"Bearer realm="example""#],
        status: Some(401),
        dpop_nonce: None,
        expect: &[(SchemeKind::Bearer, &["bearer-no-error"])],
    },
    Case {
        name: "rfc 6750 §3 expired",
        fields: &[
            r#"Bearer realm="example", error="invalid_token", error_description="The access token expired""#,
        ],
        status: Some(401),
        dpop_nonce: None,
        expect: &[(SchemeKind::Bearer, &["error-invalid-token"])],
    },
    Case {
        name: "rfc 6750 §3.1 insufficient_scope on a 401",
        fields: &[r#"Bearer realm="example", error="insufficient_scope", scope="admin""#],
        status: Some(401),
        dpop_nonce: None,
        expect: &[(
            SchemeKind::Bearer,
            &["error-insufficient-scope", "error-status-mismatch"],
        )],
    },
    Case {
        name: "rfc 9449 §7.1 algs",
        fields: &[r#"DPoP realm="WallyWorld", algs="ES256 PS256""#],
        status: Some(401),
        dpop_nonce: None,
        expect: &[(SchemeKind::Dpop, &["bearer-no-error"])],
    },
    Case {
        name: "rfc 9449 §7.1 key binding",
        fields: &[
            r#"DPoP realm="WallyWorld", error="invalid_token", error_description="Invalid DPoP key binding", algs="ES256""#,
        ],
        status: Some(401),
        dpop_nonce: None,
        expect: &[(SchemeKind::Dpop, &["error-invalid-token"])],
    },
    Case {
        name: "rfc 9449 §9 nonce",
        fields: &[
            r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#,
        ],
        status: Some(401),
        dpop_nonce: Some("eyJ7S_zG.eyJH0-Z.HX4w-7v"),
        expect: &[(SchemeKind::Dpop, &["dpop-use-nonce"])],
    },
    Case {
        name: "docker hub",
        fields: &[
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push""#,
        ],
        status: Some(401),
        dpop_nonce: None,
        expect: &[(
            SchemeKind::Bearer,
            &["bearer-no-error", "registry-token-required"],
        )],
    },
    Case {
        name: "azure ad",
        fields: &[
            r#"Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token", error_description="The access token is missing or invalid.", resource_id="https://management.core.windows.net/""#,
        ],
        status: Some(401),
        dpop_nonce: None,
        expect: &[(
            SchemeKind::Bearer,
            &["error-invalid-token", "entra-token-required"],
        )],
    },
    Case {
        name: "google apis",
        fields: &[
            r#"Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="https://www.googleapis.com/auth/drive.readonly""#,
        ],
        status: Some(403),
        dpop_nonce: None,
        expect: &[(SchemeKind::Bearer, &["error-insufficient-scope"])],
    },
    Case {
        name: "spring security",
        fields: &[
            r#"Bearer error="invalid_token", error_description="Jwt expired at 2026-01-15T10:00:00Z", error_uri="https://tools.ietf.org/html/rfc6750#section-3.1""#,
        ],
        status: Some(401),
        dpop_nonce: None,
        expect: &[(SchemeKind::Bearer, &["error-invalid-token"])],
    },
    Case {
        name: "asp.net core jwtbearer",
        fields: &[
            r#"Bearer error="invalid_token", error_description="The token expired at '11/20/2026 10:00:00'""#,
        ],
        status: Some(401),
        dpop_nonce: None,
        expect: &[(SchemeKind::Bearer, &["error-invalid-token"])],
    },
    Case {
        name: "iis windows auth",
        fields: &["Negotiate", "NTLM"],
        status: Some(401),
        dpop_nonce: None,
        expect: &[
            (SchemeKind::Negotiate, &["negotiate-offered"]),
            (SchemeKind::Ntlm, &["negotiate-offered"]),
        ],
    },
    Case {
        name: "hoba, scram and an unknown scheme",
        fields: &[
            r#"HOBA challenge="dGVzdA", max-age="10", SCRAM-SHA-256 realm="x", Newauth realm="y""#,
        ],
        status: Some(401),
        dpop_nonce: None,
        expect: &[
            (SchemeKind::Hoba, &[]),
            (SchemeKind::Scram, &[]),
            (SchemeKind::Other, &["unknown-scheme"]),
        ],
    },
];

fn run(fields: &[&str], proxy: bool, ctx: &ExplainContext<'_>) -> Vec<Explanation> {
    let parsed = if proxy {
        parse_proxy_challenges(fields)
    } else {
        parse_challenges(fields)
    };
    explain_all(&parsed, ctx)
}

#[test]
fn rfc_and_vendor_challenges_are_explained() {
    for case in CASES {
        let ctx = ExplainContext {
            status: case.status,
            dpop_nonce: case.dpop_nonce,
        };
        let got = run(case.fields, false, &ctx);
        assert_eq!(got.len(), case.expect.len(), "{}", case.name);
        for (e, (kind, ids)) in got.iter().zip(case.expect) {
            assert_eq!(e.kind, *kind, "{}", case.name);
            let got_ids: Vec<&str> = e.notes.iter().map(|f| f.id).collect();
            assert_eq!(&got_ids, ids, "{}", case.name);
            assert!(!e.summary.is_empty(), "{}", case.name);
            assert!(
                e.params.iter().all(|p| !p.meaning.is_empty()),
                "{}",
                case.name
            );
            // Every finding points at a spec section.
            assert!(e.notes.iter().all(|f| !f.refs.is_empty()), "{}", case.name);
        }
    }
}

#[test]
fn every_param_of_the_rfc_examples_is_known() {
    for case in CASES.iter().filter(|c| c.name.starts_with("rfc")) {
        for e in run(case.fields, false, &ExplainContext::default()) {
            for p in &e.params {
                assert!(p.known, "{}: {} unknown", case.name, p.name);
            }
        }
    }
}

#[test]
fn explanation_json_is_stable() {
    let e = run(
        &[
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull""#,
        ],
        false,
        &ExplainContext::default(),
    );
    let v = serde_json::to_value(&e[0]).unwrap();
    assert_eq!(v["kind"], "bearer");
    assert_eq!(v["proxy"], false);
    assert_eq!(
        v["token_request"]["url"],
        "https://auth.docker.io/token?service=registry.docker.io&scope=repository:library/ubuntu:pull"
    );
    assert_eq!(v["params"][0]["name"], "realm");
    assert_eq!(v["notes"][1]["id"], "registry-token-required");
}

#[test]
fn proxy_407_is_marked_everywhere() {
    let e = run(
        &[r#"Basic realm="corp-proxy", charset="UTF-8""#, "Negotiate"],
        true,
        &ExplainContext {
            status: Some(407),
            dpop_nonce: None,
        },
    );
    assert_eq!(e.len(), 2);
    for x in &e {
        assert!(x.proxy);
        assert!(x.notes.iter().any(|f| f.id == "proxy-challenge"));
    }
}
