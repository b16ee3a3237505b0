package syncproto

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
)

// EnrollRequest is the body of POST /v1/enroll: the one-time code the head
// office printed and the register's new Ed25519 public key (standard base64).
type EnrollRequest struct {
	Code      string `json:"code"`
	PublicKey string `json:"public_key"`
}

// EnrollResponse answers an EnrollRequest. Token authenticates every later
// request (Authorization: Bearer); the head office keeps only its hash.
// CertFingerprint is the hex SHA-256 of the head office's TLS certificate,
// which the register pins from now on.
type EnrollResponse struct {
	RegisterID      string `json:"register_id"`
	StoreID         string `json:"store_id"`
	Token           string `json:"token"`
	CertFingerprint string `json:"cert_fingerprint"`
}

// Error codes of enrollment and authentication.
const (
	CodeEnrollmentInvalid = "enrollment_code_invalid"
	CodeEnrollmentExpired = "enrollment_code_expired"
	CodeForbidden         = "forbidden"
)

// signContext separates entry signatures from any other use of the key.
const signContext = "till-entry-sig-v1:"

// SignedMessage is what a register signs for an entry: a context string and
// the entry's hex hash. The hash covers the register id, seq, payload and the
// previous hash, so one signature vouches for the entry and its place in the
// chain.
func SignedMessage(hash string) []byte { return []byte(signContext + hash) }

// SignEntryHash signs an entry hash with the register's private key.
func SignEntryHash(key ed25519.PrivateKey, hash string) []byte {
	return ed25519.Sign(key, SignedMessage(hash))
}

// VerifyEntryHash reports whether sig is the register's signature of hash.
func VerifyEntryHash(pub ed25519.PublicKey, hash string, sig []byte) bool {
	return len(pub) == ed25519.PublicKeySize && len(sig) == ed25519.SignatureSize &&
		ed25519.Verify(pub, SignedMessage(hash), sig)
}

// Fingerprint is the hex SHA-256 of a DER certificate, as pinned.
func Fingerprint(der []byte) string {
	s := sha256.Sum256(der)
	return hex.EncodeToString(s[:])
}
