#!/usr/bin/env python3
"""Writes the committed seed corpus under fuzz/corpus/<target>/ from the project's own
test material (conformance table, RFC examples, HAR fixtures). Deterministic; rerun after
changing it. A few dozen files per target: libFuzzer grows its working corpus elsewhere
(fuzz/target/corpus-work/, see `make fuzz`)."""
import base64, hashlib, json, os, pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "fuzz" / "corpus"
FF = b"\xff"


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=")


def jwt(header, claims, sig=b"signature-bytes"):
    enc = lambda o: b64u(json.dumps(o, separators=(",", ":")).encode())
    return enc(header) + b"." + enc(claims) + b"." + b64u(sig)


def write(target, items):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    for old in d.iterdir():
        old.unlink()
    for data in items:
        name = hashlib.sha1(data).hexdigest()[:16]
        (d / name).write_bytes(data)


cases = json.loads((ROOT / "tests/conformance/challenges.json").read_text())["cases"]
fields = [c["fields"] for c in cases]
write("challenge", ["\n".join(f).encode() for f in fields][:40] + [
    b"Basic realm=\"a\"\r\n b=c", b"Negotiate TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==",
    b"Bearer realm=\"x\", error=\"invalid_token\", error_description=\"The token expired\"",
])

# The differential target decodes its input with `arbitrary`; any bytes are a valid seed.
write("challenge_diff", [hashlib.sha256(bytes([i])).digest() * 4 for i in range(24)])

now = 1717200000
tok = jwt({"alg": "RS256", "typ": "JWT", "kid": "k1"},
          {"iss": "https://issuer.example", "aud": "api", "sub": "u1", "exp": now - 300, "iat": now - 3900, "scope": "read write"})
none = jwt({"alg": "none"}, {"sub": "x"}, b"")
dpop = jwt({"typ": "dpop+jwt", "alg": "ES256", "jwk": {"kty": "EC", "crv": "P-256", "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}},
           {"jti": "-BwC3ESc6acc2lTc", "htm": "POST", "htu": "https://server.example.com/token", "iat": now})
auth_values = [
    b"Bearer " + tok, b"Bearer " + none, b"bearer undefined", b"Bearer Bearer abc", b"Bearer \"abc\"",
    b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", b"Basic dGVzdDoxMjPCow==", b"Basic bm9jb2xvbg==", b"Basic !!!",
    b"Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", algorithm=SHA-256, nonce=\"7ypf\", nc=00000001, cnonce=\"f2/wE4q\", qop=auth, response=\"753927fa\", opaque=\"FQhe\"",
    b"DPoP " + tok, b"Negotiate TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==",
    b"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
    b"ghp_16C7e42F292c6912E7710c838347Ae178B4a", b"glpat-xxxxxxxxxxxxxxxxxxxx", b"sk_live_abcdefghijklmnop", b"${token}",
]
creds = [bytes([0]) + v for v in auth_values] + [bytes([0x20]) + v for v in auth_values[5:8]]
creds += [bytes([0x08]) + b"Aladdin" + FF + b"open sesame", bytes([0x28]) + b"us\xc3\xa9r" + FF + b"p\xc3\xa4ssword-123"]
creds += [bytes([0x80]) + b"https://api.example/v1/items?access_token=abcdefghijklmnop1234" + FF +
          b"Authorization: Bearer " + tok + b"\nDPoP: " + dpop + b"\nCookie: session=eyJhbGciOiJIUzI1NiJ9.e30.c2ln; theme=dark\nX-API-Key: 0123456789abcdef0123"]
write("credentials", creds)

write("jwt", [bytes([0]) + t for t in (tok, none, dpop, tok + b"=", tok.replace(b"-", b"+"), b"a.b.c.d.e", b"eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ")] +
      [bytes([1]) + json.dumps({"alg": "HS256", "cty": "JWT"}).encode() + FF + tok + FF + b"sig",
       bytes([1]) + b'{"alg":"ES256"}' + FF + b'{"exp":1e400,"nbf":"soon","aud":["a",1]}' + FF + b"",
       bytes([3]) + b'{"alg":"RSA-OAEP","enc":"A256GCM","zip":"DEF"}' + FF + b"k" + FF + b"iv" + FF + b"ct" + FF + b"tag"])

cookie_seeds = [
    (b"session=abc123; theme=dark", b"session=abc123; Path=/; Secure; HttpOnly; SameSite=Lax", b"https://app.example/login", b"https://app.example/api", 0),
    (b"a=1;b=2; ;c", b"__Host-id=x; Domain=example.com; Path=/", b"https://example.com/", b"http://example.com/", 1),
    (b"sid=\"quoted\"; sid=dup", b"sid=1; SameSite=None", b"https://a.example/", b"https://b.example/x", 2),
    (b"jwt=" + tok, b"jwt=" + tok + b"; Max-Age=0", b"https://a.example/", b"https://a.example/", 3),
    (b"n\x01=v", b"x=y; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Partitioned", b"http://localhost:3000/", b"http://localhost:3000/a", 7),
    (b"", b"=; Domain=.co.uk; Path=a", b"", b"", 255),
]
write("cookie", [FF.join([a, b, c, d, bytes([f])]) for a, b, c, d, f in cookie_seeds])

fixtures = sorted((ROOT / "tests/fixtures").rglob("*.har"))
har_seeds = [p.read_bytes() for p in fixtures if p.stat().st_size <= 64 * 1024][:30]
entry = {"startedDateTime": "2024-06-01T00:00:00.000Z", "time": 12,
         "request": {"method": "GET", "url": "https://api.example/v1", "httpVersion": "h2",
                     "headers": [{"name": "Authorization", "value": "Bearer " + tok.decode()}], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
         "response": {"status": 401, "statusText": "", "httpVersion": "h2",
                      "headers": [{"name": "WWW-Authenticate", "value": "Bearer error=\"invalid_token\""}],
                      "cookies": [], "content": {"size": 0, "mimeType": "application/json", "text": "{\"error\":\"invalid_token\"}"}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
         "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 2}}
har_seeds += [json.dumps(entry).encode(), json.dumps({"log": {"version": "1.2", "entries": [entry, entry]}}).encode()]
write("har", har_seeds)
print({p.name: len(list(p.iterdir())) for p in sorted(OUT.iterdir())})
