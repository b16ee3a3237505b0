package syncclient_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncclient"
)

func TestEnrollAndSaveThenSyncFromSavedCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts, st, code := tlsHeadOffice(t)
	dir := t.TempDir()
	if _, err := syncclient.LoadCredentials(dir); !errors.Is(err, syncclient.ErrNotEnrolled) {
		t.Fatalf("before enrolling: %v", err)
	}
	if _, err := syncclient.EnrollAndSave(ctx, dir, syncclient.EnrollOptions{BaseURL: ts.URL, Code: "WRONG-CODE"}); err == nil {
		t.Fatal("a wrong code enrolled")
	}
	if _, err := os.Stat(filepath.Join(dir, syncclient.KeyFile)); err == nil {
		t.Error("a failed enrollment left a key behind")
	}
	if _, err := syncclient.EnrollAndSave(ctx, dir, syncclient.EnrollOptions{BaseURL: ts.URL, Code: code}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{syncclient.KeyFile, syncclient.CredentialsFile} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", f, fi, err)
		}
	}
	if _, err := syncclient.EnrollAndSave(ctx, dir, syncclient.EnrollOptions{BaseURL: ts.URL, Code: code}); err == nil {
		t.Error("enrolled over an existing enrollment")
	}
	c, err := syncclient.LoadCredentials(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.RegisterID != "R1" || c.StoreID != "S1" || c.Key == nil {
		t.Fatalf("loaded %+v", c)
	}
	ob := &fakeOutbox{}
	ob.add(hqstoretest.NewChain("R1").Sales(4)...)
	s := syncclient.New(syncclient.Config{BaseURL: c.HeadOffice, RegisterID: c.RegisterID, Token: c.Token, Key: c.Key,
		HTTPClient: c.HTTPClient(5 * time.Second)}, ob)
	if n, err := s.Sync(ctx); err != nil || n != 4 {
		t.Fatalf("sync: %d %v", n, err)
	}
	if n, _ := st.SalesCount(ctx, "R1"); n != 4 {
		t.Errorf("head office holds %d sales", n)
	}
}
