package syncclient

import (
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// Files of a register's enrollment in its data directory. Both are 0600:
// the token authenticates the register and the key signs its journal; the
// key never leaves the register.
const (
	CredentialsFile = "enrollment.json"
	KeyFile         = "register-key.pem"
)

// ErrNotEnrolled is returned by LoadCredentials when the register has no
// enrollment yet.
var ErrNotEnrolled = errors.New("syncclient: this register is not enrolled")

// Credentials are what a register keeps from its enrollment.
type Credentials struct {
	HeadOffice      string             `json:"headoffice"`
	RegisterID      string             `json:"register_id"`
	StoreID         string             `json:"store_id"`
	Token           string             `json:"token"`
	CertFingerprint string             `json:"cert_fingerprint"`
	EnrolledAt      time.Time          `json:"enrolled_at"`
	Key             ed25519.PrivateKey `json:"-"` // in KeyFile
}

// HTTPClient is a client pinned to the head office's certificate for an
// https URL; a plain client for http (loopback only, the head office refuses
// plain HTTP elsewhere).
func (c Credentials) HTTPClient(timeout time.Duration) *http.Client {
	if u, err := url.Parse(c.HeadOffice); err == nil && u.Scheme == "https" {
		return PinnedClient(c.CertFingerprint, timeout)
	}
	return &http.Client{Timeout: timeout}
}

// EnrollAndSave makes the register's Ed25519 key pair, enrolls it with the
// head office and writes the credentials and the private key into dir.
// Nothing is written if enrollment fails; an existing enrollment is never
// overwritten (remove the files to enroll again).
func EnrollAndSave(ctx context.Context, dir string, o EnrollOptions) (Credentials, error) {
	if _, err := os.Stat(filepath.Join(dir, CredentialsFile)); err == nil {
		return Credentials{}, fmt.Errorf("syncclient: %s already holds an enrollment; remove %s and %s to enroll again",
			dir, CredentialsFile, KeyFile)
	}
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		return Credentials{}, err
	}
	resp, err := Enroll(ctx, o, pub)
	if err != nil {
		return Credentials{}, err
	}
	c := Credentials{HeadOffice: o.BaseURL, RegisterID: resp.RegisterID, StoreID: resp.StoreID, Token: resp.Token,
		CertFingerprint: resp.CertFingerprint, EnrolledAt: time.Now().UTC(), Key: key}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return Credentials{}, err
	}
	body, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return Credentials{}, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Credentials{}, err
	}
	// The key first: credentials without their key would be useless.
	if err := writeFile0600(filepath.Join(dir, KeyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})); err != nil {
		return Credentials{}, err
	}
	if err := writeFile0600(filepath.Join(dir, CredentialsFile), append(body, '\n')); err != nil {
		return Credentials{}, err
	}
	return c, nil
}

// writeFile0600 replaces path with data durably: a power cut leaves the old
// file or the new one, never an empty one. The data is fsynced before the
// rename (or the rename can reach the disk before the data), and the
// directory after it (or the rename itself can be lost).
func writeFile0600(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("syncclient: write %s: %w", path, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		return fmt.Errorf("syncclient: write %s: %w", path, err)
	}
	return nil
}

// syncDir makes a directory's entries (a created or renamed file) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// LoadCredentials reads the enrollment kept in dir; ErrNotEnrolled if none.
func LoadCredentials(dir string) (Credentials, error) {
	var c Credentials
	body, err := os.ReadFile(filepath.Join(dir, CredentialsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return c, ErrNotEnrolled
	} else if err != nil {
		return c, fmt.Errorf("syncclient: %w", err)
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return c, fmt.Errorf("syncclient: %s: %w", CredentialsFile, err)
	}
	kb, err := os.ReadFile(filepath.Join(dir, KeyFile))
	if err != nil {
		return c, fmt.Errorf("syncclient: register key: %w", err)
	}
	block, _ := pem.Decode(kb)
	if block == nil {
		return c, fmt.Errorf("syncclient: %s is not PEM", KeyFile)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return c, fmt.Errorf("syncclient: %s: %w", KeyFile, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return c, fmt.Errorf("syncclient: %s is not an Ed25519 key", KeyFile)
	}
	c.Key = key
	if c.RegisterID == "" || c.Token == "" {
		return c, fmt.Errorf("syncclient: %s lacks register id or token", CredentialsFile)
	}
	return c, nil
}
