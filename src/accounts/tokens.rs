//! Access tokens (JWT, HS256 pinned) and opaque refresh tokens.
//!
//! Access tokens carry `sub`, `role`, `typ = "access"`, `iss`, `aud`, `iat`, `exp` and `jti`; all
//! are checked on the way in with a leeway of 5 s (RFC 8725: pin the algorithm, check `typ`,
//! `iss` and `aud`). Refresh tokens are 256 random bits, base64url; only their SHA-256 is stored.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    config::AuthSettings,
    context::Viewer,
    shared::ids::{TypedId, UserId},
    shared::role::Role,
};

const ALGORITHM: Algorithm = Algorithm::HS256;
const ACCESS_TYPE: &str = "access";
const LEEWAY_SECS: u64 = 5;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    role: String,
    typ: String,
    iss: String,
    aud: String,
    iat: i64,
    exp: i64,
    jti: Uuid,
}

/// A freshly issued access token and when it expires.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_secs: i64,
}

impl TokenIssuer {
    pub fn new(secret: &[u8], settings: &AuthSettings) -> Self {
        let mut validation = Validation::new(ALGORITHM);
        validation.leeway = LEEWAY_SECS;
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl_secs: i64::try_from(settings.access_token_ttl_secs.min(900)).unwrap_or(900),
        }
    }

    pub fn issue(
        &self,
        user: UserId,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<AccessToken, jsonwebtoken::errors::Error> {
        let expires_at = now + chrono::Duration::seconds(self.ttl_secs);
        let claims = Claims {
            sub: user.uuid(),
            role: role.as_str().to_owned(),
            typ: ACCESS_TYPE.to_owned(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            jti: Uuid::new_v4(),
        };
        let token = jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.encoding)?;
        Ok(AccessToken { token, expires_at })
    }

    /// The viewer of a valid access token; `None` for anything else (bad signature, expired,
    /// wrong issuer/audience/type/algorithm, unknown role).
    pub fn verify(&self, token: &str) -> Option<Viewer> {
        self.verify_until(token).map(|(viewer, _)| viewer)
    }

    /// As [`Self::verify`], with the token's expiry (`exp`).
    pub fn verify_until(&self, token: &str) -> Option<(Viewer, DateTime<Utc>)> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        let c = data.claims;
        if c.typ != ACCESS_TYPE || c.iat > Utc::now().timestamp() + LEEWAY_SECS as i64 {
            return None;
        }
        let expires_at = DateTime::from_timestamp(c.exp, 0)?;
        Some((Viewer { user_id: UserId::from_uuid(c.sub), role: Role::parse(&c.role)? }, expires_at))
    }
}

/// A new refresh token: what the client gets, and the hash we store.
pub fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_refresh_token(&token);
    (token, hash)
}

pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer(ttl: u64) -> TokenIssuer {
        let settings = AuthSettings { access_token_ttl_secs: ttl, ..AuthSettings::default() };
        TokenIssuer::new(b"0123456789abcdef0123456789abcdef", &settings)
    }

    #[test]
    fn issued_tokens_verify_and_carry_the_role() {
        let t = issuer(900);
        let user = UserId::new();
        let tok = t.issue(user, Role::Staff, Utc::now()).unwrap();
        assert_eq!(t.verify(&tok.token), Some(Viewer { user_id: user, role: Role::Staff }));
    }

    #[test]
    fn expired_foreign_and_tampered_tokens_are_refused() {
        let t = issuer(900);
        let old = t.issue(UserId::new(), Role::Customer, Utc::now() - chrono::Duration::seconds(1000)).unwrap();
        assert_eq!(t.verify(&old.token), None, "expired");
        let other = TokenIssuer::new(b"another-key-another-key-another!", &AuthSettings::default());
        let foreign = other.issue(UserId::new(), Role::Admin, Utc::now()).unwrap();
        assert_eq!(t.verify(&foreign.token), None, "signed with another key");
        let other_aud = TokenIssuer::new(
            b"0123456789abcdef0123456789abcdef",
            &AuthSettings { audience: "elsewhere".into(), ..AuthSettings::default() },
        );
        let wrong_aud = other_aud.issue(UserId::new(), Role::Admin, Utc::now()).unwrap();
        assert_eq!(t.verify(&wrong_aud.token), None, "wrong audience");
        // alg=none with the same claims must not pass
        let parts: Vec<&str> = wrong_aud.token.split('.').collect();
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert_eq!(t.verify(&format!("{none_header}.{}.", parts[1])), None, "alg none");
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let (a, ha) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_ne!(a, b);
        assert_eq!(ha, hash_refresh_token(&a));
        assert_eq!(ha.len(), 64);
    }
}
