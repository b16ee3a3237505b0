package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestUsersAddFirstOwnerAndList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := users(ctx, []string{"users", "add", "--role", "owner", "--totp", "-data", dir, "Olga"}, strings.NewReader("a long pass phrase\n"), &out, &errb); code != 0 {
		t.Fatalf("users add: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "account olga (owner) added") || !strings.Contains(out.String(), "otpauth://totp/Till:olga?") {
		t.Errorf("output %s", out.String())
	}
	out.Reset()
	errb.Reset()
	if code := users(ctx, []string{"users", "add", "--role", "owner", "-data", dir, "olga"}, strings.NewReader("another long one\n"), &out, &errb); code != 1 || !strings.Contains(errb.String(), "already exists") {
		t.Errorf("second olga: %d %s", code, errb.String())
	}
	errb.Reset()
	if code := users(ctx, []string{"users", "add", "--role", "owner", "-data", dir, "bert"}, strings.NewReader("short\n"), &out, &errb); code != 1 || !strings.Contains(errb.String(), "password is 10 to 256") {
		t.Errorf("short password: %d %s", code, errb.String())
	}
	if code := users(ctx, []string{"users", "add", "-data", dir, "bert"}, strings.NewReader(""), &out, &errb); code != 2 {
		t.Errorf("no role: %d", code)
	}
	out.Reset()
	if code := users(ctx, []string{"users", "list", "-data", dir}, nil, &out, &errb); code != 0 || out.String() != "olga\towner\t\ttotp=true\n" {
		t.Errorf("list: %d %q %s", code, out.String(), errb.String())
	}
}
