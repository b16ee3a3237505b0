package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/tillpos/till/sync/syncproto"
)

// Files of the head office's TLS identity in the data directory.
const (
	certFile = "tls-cert.pem"
	keyFile  = "tls-key.pem"
)

// loadOrCreateCert returns the head office's certificate, generating a
// self-signed ECDSA P-256 one on first start. Registers pin its SHA-256
// fingerprint at enrollment, so it must not change: it is valid for 20
// years and never regenerated while the files exist.
//
// Without a data directory (-db postgres://... alone) the certificate is
// made in memory for this run only.
func loadOrCreateCert(dataDir string) (tls.Certificate, string, error) {
	if dataDir == "" {
		dir, err := os.MkdirTemp("", "till-hq-cert-")
		if err != nil {
			return tls.Certificate{}, "", err
		}
		defer os.RemoveAll(dir)
		dataDir = dir
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return tls.Certificate{}, "", err
	}
	cp, kp := filepath.Join(dataDir, certFile), filepath.Join(dataDir, keyFile)
	cert, err := tls.LoadX509KeyPair(cp, kp)
	if errors.Is(err, fs.ErrNotExist) {
		if _, kerr := os.Stat(kp); kerr == nil {
			// Another process placed the key and is writing its certificate.
			if _, werr := waitForFile(cp, 10*time.Second); werr != nil {
				return tls.Certificate{}, "", fmt.Errorf("TLS certificate: %w", werr)
			}
			cert, err = tls.LoadX509KeyPair(cp, kp)
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		if err := createCert(cp, kp); err != nil {
			return tls.Certificate{}, "", fmt.Errorf("create TLS certificate: %w", err)
		}
		cert, err = tls.LoadX509KeyPair(cp, kp)
	}
	if err != nil {
		return tls.Certificate{}, "", fmt.Errorf("TLS certificate: %w", err)
	}
	return cert, syncproto.Fingerprint(cert.Certificate[0]), nil
}

func createCert(certPath, keyPath string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	names := []string{"localhost"}
	if host != "" {
		names = append(names, host)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "Till head office", Organization: []string{"Till"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(20, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              names,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	// The key decides: only the process that placed it writes the
	// certificate, so two processes starting together never pair one's key
	// with the other's certificate. A loser waits for the winner's pair.
	won, err := createOnce(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	if err != nil {
		return err
	}
	if !won {
		_, err := waitForFile(certPath, 10*time.Second)
		return err
	}
	_, err = createOnce(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	return err
}

// isLoopback reports whether a bound listener only accepts local clients.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
