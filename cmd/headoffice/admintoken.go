package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// adminTokenFile holds the JSON admin API's bearer token in the data dir.
const adminTokenFile = "admin-token"

// loadOrCreateAdminToken reads the admin token from dir, making one (256
// random bits, file mode 0600) on first start; created says whether it is
// new, so the caller shows it that once. Without dir the token lives in
// memory only.
func loadOrCreateAdminToken(dir string) (token string, created bool, err error) {
	if dir != "" {
		b, err := os.ReadFile(filepath.Join(dir, adminTokenFile))
		if err == nil && strings.TrimSpace(string(b)) != "" {
			return strings.TrimSpace(string(b)), false, nil
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", false, fmt.Errorf("admin token: %w", err)
		}
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	token = base64.RawURLEncoding.EncodeToString(raw)
	if dir == "" {
		return token, true, nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", false, fmt.Errorf("admin token: %w", err)
	}
	path := filepath.Join(dir, adminTokenFile)
	won, err := createOnce(path, []byte(token+"\n"), 0o600)
	if err != nil {
		return "", false, fmt.Errorf("admin token: %w", err)
	}
	if !won { // another process made it first: use theirs
		b, err := waitForFile(path, 10*time.Second)
		if err != nil || strings.TrimSpace(string(b)) == "" {
			return "", false, fmt.Errorf("admin token: %v", cmpErr(err, "the file is empty"))
		}
		return strings.TrimSpace(string(b)), false, nil
	}
	return token, true, nil
}

func cmpErr(err error, otherwise string) any {
	if err != nil {
		return err
	}
	return otherwise
}
